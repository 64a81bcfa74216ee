package dev.portcullis.engine.match;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/** Addresses, prefixes and CIDR sets with excepts against BigInteger arithmetic. */
class CidrPropertyTests {

	/** An address of a family as an unsigned number. */
	record Address(boolean ipv6, BigInteger value) {

		int bits() {
			return this.ipv6 ? 128 : 32;
		}

		/** Dotted quad, or eight uncompressed hex groups. */
		String text() {
			if (!this.ipv6) {
				long v = this.value.longValue();
				return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
			}
			List<String> groups = new ArrayList<>();
			for (int i = 7; i >= 0; i--) {
				groups.add(this.value.shiftRight(16 * i).and(BigInteger.valueOf(0xFFFF)).toString(16));
			}
			return String.join(":", groups);
		}

		Address withLowBitsOf(Address other, int prefix) {
			BigInteger mask = BigInteger.ONE.shiftLeft(bits() - prefix).subtract(BigInteger.ONE);
			return new Address(this.ipv6, this.value.andNot(mask).or(other.value.and(mask)));
		}

	}

	/** A prefix: address (host bits possibly set) and length. */
	record Prefix(Address address, int length) {

		String text() {
			return this.address.text() + "/" + this.length;
		}

		boolean contains(Address ip) {
			int shift = this.address.bits() - this.length;
			return ip.ipv6() == this.address.ipv6()
					&& ip.value().shiftRight(shift).equals(this.address.value().shiftRight(shift));
		}

	}

	@Provide
	Arbitrary<Address> addresses() {
		Arbitrary<Address> v4 = Arbitraries.bigIntegers()
			.between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE))
			.map((value) -> new Address(false, value));
		Arbitrary<Address> v6 = Arbitraries.bigIntegers()
			.between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE))
			.map((value) -> new Address(true, value));
		Arbitrary<Address> sparse6 = Arbitraries.integers().between(0, 7).list().ofMaxSize(3)
			.map((groups) -> {
				BigInteger value = BigInteger.ZERO;
				for (int group : groups) {
					value = value.setBit(16 * group + (group % 16));
				}
				return new Address(true, value);
			});
		return Arbitraries.oneOf(v4, v6, sparse6);
	}

	@Provide
	Arbitrary<Prefix> prefixes() {
		return addresses().flatMap((address) -> Arbitraries.integers().between(0, address.bits())
			.map((length) -> new Prefix(address, length)));
	}

	@Property(tries = 1000)
	void parseShouldRoundTripThroughCanonicalText(@ForAll("addresses") Address address) {
		IpAddress parsed = IpAddress.parse(address.text());
		assertThat(parsed.ipv6()).isEqualTo(address.ipv6());
		assertThat(IpAddress.parse(parsed.toString())).isEqualTo(parsed);
		BigInteger value = BigInteger.valueOf(parsed.high()).and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE))
			.shiftLeft(64)
			.or(BigInteger.valueOf(parsed.low()).and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)));
		assertThat(value).isEqualTo(address.value());
	}

	@Property(tries = 1000)
	void containsShouldAgreeWithBigIntegerArithmetic(@ForAll("prefixes") Prefix prefix,
			@ForAll("addresses") Address other, @ForAll boolean near) {
		Address ip = (near && other.ipv6() == prefix.address().ipv6()) ? prefix.address().withLowBitsOf(other,
				prefix.length()) : other;
		Cidr cidr = Cidr.parse(prefix.text());
		assertThat(cidr.prefixLength()).isEqualTo(prefix.length());
		assertThat(cidr.contains(IpAddress.parse(ip.text()))).isEqualTo(prefix.contains(ip));
	}

	@Property(tries = 1000)
	void containsCidrShouldAgreeWithBigIntegerArithmetic(@ForAll("prefixes") Prefix outer,
			@ForAll("prefixes") Prefix inner) {
		boolean expected = inner.address().ipv6() == outer.address().ipv6() && inner.length() >= outer.length()
				&& outer.contains(inner.address());
		assertThat(Cidr.parse(outer.text()).contains(Cidr.parse(inner.text()))).isEqualTo(expected);
	}

	@Provide
	Arbitrary<List<Object>> cidrSets() {
		return prefixes().flatMap((cidr) -> {
			Arbitrary<Prefix> except = Combinators
				.combine(addresses().filter((a) -> a.ipv6() == cidr.address().ipv6()),
						Arbitraries.integers().between(cidr.length(), cidr.address().bits()))
				.as((low, length) -> new Prefix(cidr.address().withLowBitsOf(low, cidr.length()), length));
			Arbitrary<Address> ip = addresses().filter((a) -> a.ipv6() == cidr.address().ipv6())
				.map((low) -> cidr.address().withLowBitsOf(low, Math.max(0, cidr.length() - 1)));
			return Combinators.combine(except.list().ofMaxSize(3), ip).as((excepts, address) -> List.of(cidr, excepts,
					address));
		});
	}

	@SuppressWarnings("unchecked")
	@Property(tries = 1000)
	void cidrMatcherShouldMatchInsideCidrAndOutsideExcepts(@ForAll("cidrSets") List<Object> set) {
		Prefix cidr = (Prefix) set.get(0);
		List<Prefix> excepts = (List<Prefix>) set.get(1);
		Address ip = (Address) set.get(2);
		boolean expected = cidr.contains(ip) && excepts.stream().noneMatch((except) -> except.contains(ip));
		CidrMatcher matcher = CidrMatcher.parse(cidr.text(), excepts.stream().map(Prefix::text).toList());
		assertThat(matcher.matches(IpAddress.parse(ip.text()))).isEqualTo(expected);
		for (Prefix except : excepts) {
			assertThat(CidrMatcher.exceptError(matcher.cidr(), except.text())).isEmpty();
		}
	}

}

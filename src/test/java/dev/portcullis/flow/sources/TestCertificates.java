package dev.portcullis.flow.sources;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** A test CA and certificates it signs (EC P-256), as PEM text: made in the test, valid for a day. */
final class TestCertificates {

	/** A certificate and its PKCS #8 private key, both PEM. */
	record Issued(String certificate, String key, X509Certificate x509, KeyPair pair) {
	}

	private TestCertificates() {
	}

	static Issued ca(String name) throws Exception {
		KeyPair pair = pair();
		return sign(name, pair, name, pair, true, null);
	}

	static Issued server(Issued ca, String... dnsNames) throws Exception {
		return sign("server", pair(), cn(ca), ca.pair(), false, dnsNames);
	}

	static Issued client(Issued ca, String name) throws Exception {
		return sign(name, pair(), cn(ca), ca.pair(), false, null);
	}

	private static String cn(Issued ca) {
		return ca.x509().getSubjectX500Principal().getName().replace("CN=", "");
	}

	private static KeyPair pair() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(256);
		return generator.generateKeyPair();
	}

	private static Issued sign(String subject, KeyPair pair, String issuer, KeyPair issuerPair, boolean ca,
			String[] dnsNames) throws Exception {
		Instant now = Instant.now();
		JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuer),
				BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
				Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=" + subject), pair.getPublic());
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
		if (ca) {
			builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
		}
		if (dnsNames != null) {
			GeneralName[] names = new GeneralName[dnsNames.length];
			for (int i = 0; i < dnsNames.length; i++) {
				names[i] = dnsNames[i].matches("[0-9.]+") ? new GeneralName(GeneralName.iPAddress, dnsNames[i])
						: new GeneralName(GeneralName.dNSName, dnsNames[i]);
			}
			builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
		}
		X509Certificate certificate = new JcaX509CertificateConverter()
			.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerPair.getPrivate())));
		return new Issued(pem(certificate), pem(new PemObject("PRIVATE KEY", pair.getPrivate().getEncoded())),
				certificate, pair);
	}

	private static String pem(X509Certificate certificate) throws Exception {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject(certificate);
		}
		return text.toString();
	}

	private static String pem(PemObject object) throws Exception {
		StringWriter text = new StringWriter();
		try (org.bouncycastle.util.io.pem.PemWriter writer = new org.bouncycastle.util.io.pem.PemWriter(text)) {
			writer.writeObject(object);
		}
		return text.toString();
	}

}

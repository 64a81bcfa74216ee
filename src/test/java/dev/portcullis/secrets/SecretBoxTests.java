package dev.portcullis.secrets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SecretBoxTests {

	private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

	private static final String OTHER = "HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo=";

	@Test
	void openShouldReturnWhatWasSealedInTheSameContext() {
		SecretBox box = new SecretBox(new SecretBox.Settings(KEY, null), new SecretBox.LegacySettings(null, null));
		byte[] sealed = box.seal("webhook:7", "s3cret ü");
		assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("s3cret");
		assertThat(box.open("webhook:7", sealed)).isEqualTo("s3cret ü");
		assertThat(box.seal("webhook:7", "s3cret ü")).isNotEqualTo(sealed);
	}

	@Test
	void openWhenContextOrKeyOrBytesDifferShouldRefuseWithoutThePlainValue() {
		SecretBox box = new SecretBox(new SecretBox.Settings(KEY, null), new SecretBox.LegacySettings(null, null));
		SecretBox other = new SecretBox(new SecretBox.Settings(OTHER, null), new SecretBox.LegacySettings(null, null));
		byte[] sealed = box.seal("12", "plain-value");
		assertThatExceptionOfType(SecretBox.CannotOpen.class).isThrownBy(() -> box.open("13", sealed))
			.withMessageNotContaining("plain-value");
		assertThatExceptionOfType(SecretBox.CannotOpen.class).isThrownBy(() -> other.open("12", sealed));
		sealed[sealed.length - 1] ^= 1;
		assertThatExceptionOfType(SecretBox.CannotOpen.class).isThrownBy(() -> box.open("12", sealed));
		assertThatExceptionOfType(SecretBox.CannotOpen.class).isThrownBy(() -> box.open("12", new byte[3]));
	}

	@Test
	void keyWhenOnlyTheFlowSourcesOlderSettingIsSetShouldOpenWhatThatKeySealed() {
		SecretBox older = new SecretBox(new SecretBox.Settings(null, null), new SecretBox.LegacySettings(KEY, null));
		SecretBox newer = new SecretBox(new SecretBox.Settings(KEY, null), new SecretBox.LegacySettings(null, null));
		assertThat(newer.open("42", older.seal("42", "relay key"))).isEqualTo("relay key");
	}

	@Test
	void keyFileWhenMissingShouldBeMadePrivateAndReusedByTheNextInstance(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("sub/secrets.key");
		SecretBox first = new SecretBox(new SecretBox.Settings(null, file.toString()),
				new SecretBox.LegacySettings(KEY, null));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		SecretBox second = new SecretBox(new SecretBox.Settings(null, null),
				new SecretBox.LegacySettings(null, file.toString()));
		assertThat(second.open("x", first.seal("x", "v"))).isEqualTo("v");
	}

	@Test
	void keyWhenNotThirtyTwoBytesShouldBeRefusedByName() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SecretBox(new SecretBox.Settings("AAEC", null), new SecretBox.LegacySettings(null, null)))
			.withMessageContaining("portcullis.secrets.key");
	}

}

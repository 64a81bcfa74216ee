package dev.portcullis.database;

import io.r2dbc.spi.ConnectionFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class DatabaseStatusTests {

	@Test
	void snapshotWhenDatabaseIsUnreachableShouldSayDownAndLogWhyWithoutCredentials(CapturedOutput output) {
		// port 1 on the loopback: nothing listens, the connection is refused at once
		DatabaseClient unreachable = DatabaseClient
			.create(ConnectionFactories.get("r2dbc:postgresql://someone:s3cret-password@127.0.0.1:1/nothing"));
		DatabaseStatus status = new DatabaseStatus(unreachable);

		DatabaseStatus.Snapshot first = status.snapshot().block();
		DatabaseStatus.Snapshot second = status.snapshot().block();

		assertThat(first.up()).isFalse();
		assertThat(second.up()).isFalse();
		assertThat(output.getOut()).containsOnlyOnce("WARN").contains("The database status query failed")
			.doesNotContain("s3cret-password");
	}

}

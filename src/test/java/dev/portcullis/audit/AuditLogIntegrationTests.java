package dev.portcullis.audit;

import java.util.Map;
import java.util.UUID;

import dev.portcullis.IntegrationTest;
import dev.portcullis.identity.Actor;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditLogIntegrationTests extends IntegrationTest {

	@Autowired
	AuditLog auditLog;

	@Autowired
	DatabaseClient db;

	@Test
	void recordShouldStoreWhoDidWhatFromWhereWithDetails() {
		String target = "CiliumNetworkPolicy/default/" + UUID.randomUUID();
		this.auditLog.record(new AuditLog.Event(new Actor("alice", Actor.Kind.USER, Role.AUTHOR, null, "10.1.2.3"), "policy.save",
				AuditLog.Outcome.SUCCESS, target, "prod", "10.1.2.3", Map.of("version", 3))).block();

		AuditLog.Entry entry = this.db.sql("SELECT * FROM audit_event WHERE target = :target").bind("target", target)
			.map(AuditLog::entry).one().block();
		assertThat(entry.actor()).isEqualTo("alice");
		assertThat(entry.actorKind()).isEqualTo("USER");
		assertThat(entry.action()).isEqualTo("policy.save");
		assertThat(entry.outcome()).isEqualTo("SUCCESS");
		assertThat(entry.workspace()).isEqualTo("prod");
		assertThat(entry.remoteAddress()).isEqualTo("10.1.2.3");
		assertThat(entry.details()).contains("\"version\"").contains("3");
		assertThat(entry.occurredAt()).isNotNull();
	}

	@Test
	void auditRowsShouldBeImpossibleToChangeOrDelete() {
		String target = "t-" + UUID.randomUUID();
		this.auditLog.record(new AuditLog.Event(Actor.SYSTEM, "test.append-only", AuditLog.Outcome.SUCCESS, target, null,
				null, Map.of())).block();
		assertThatThrownBy(() -> this.db.sql("UPDATE audit_event SET actor = 'mallory' WHERE target = :t")
			.bind("t", target).then().block()).hasMessageContaining("append-only");
		assertThatThrownBy(() -> this.db.sql("DELETE FROM audit_event WHERE target = :t").bind("t", target).then().block())
			.hasMessageContaining("append-only");
		assertThatThrownBy(() -> this.db.sql("TRUNCATE audit_event").then().block()).hasMessageContaining("append-only");
		assertThat(this.db.sql("SELECT actor FROM audit_event WHERE target = :t").bind("t", target)
			.map((row) -> row.get("actor", String.class)).one().block()).isEqualTo("system");
	}

}

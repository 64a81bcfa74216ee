package dev.portcullis.flow.query;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FlowSqlTests {

	private static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");

	@Test
	void valuesShouldBeBoundNeverWrittenIntoTheText() {
		FlowSql sql = FlowSql.page(7, FlowFilter.parseLine("--from-pod shopfront/cart --verdict DROPPED --to-ip 10.99.0.0/16"
				+ " --from-label k8s:team=payments --http-status 5+ --not --to-port 4242").compile(NOW), new FlowCursor(1_700_000_000_000_000L, 42), 50);
		assertThat(sql.query().sql()).doesNotContain("shopfront", "cart", "10.99", "payments", "4242", "500", "DROPPED")
			.contains("(time, id)").doesNotContain(" OR ");
		assertThat(sql.exact()).isTrue();
	}

	@Test
	void bothSidesFlagShouldReadAsUnionAllOfTwoOrderedScans() {
		FlowSql sql = FlowSql.page(7, FlowFilter.parseLine("--namespace shop --verdict DROPPED").compile(NOW), null, 50);
		assertThat(sql.query().sql()).contains("UNION ALL").contains("IS NOT TRUE").doesNotContain("shop");
	}

	@Test
	void conditionsTheColumnsCannotDecideShouldLeaveTheSqlInexact() {
		assertThat(FlowSql.page(7, FlowFilter.parseLine("--http-path ^/api").compile(NOW), null, 50).exact()).isFalse();
		assertThat(FlowSql.page(7, FlowFilter.parseLine("--to-fqdn *.example.com").compile(NOW), null, 50).exact())
			.isFalse();
	}

	@Test
	void hiddenLabelSelectorShouldExcludeInSqlOnlyWhenTheColumnsDecideIt() {
		FlowSql exact = FlowSql.page(7, FlowFilter.fromParameters(java.util.Map.of("hide_label",
				java.util.List.of("k8s:app=noisy"))).compile(NOW), null, 50);
		assertThat(exact.query().sql()).contains("AND NOT ((source_label_set IN (SELECT id FROM flow_label_set WHERE labels @> ARRAY[").doesNotContain("noisy");
		assertThat(exact.exact()).isTrue();
		FlowSql anySource = FlowSql.page(7, FlowFilter.fromParameters(java.util.Map.of("hide_label",
				java.util.List.of("app=noisy"))).compile(NOW), null, 50);
		assertThat(anySource.query().sql()).doesNotContain("AND NOT ((");
		assertThat(anySource.exact()).isFalse();
	}

}

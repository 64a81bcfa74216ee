package dev.portcullis.web;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class ApiProblemTests {

	private final MockServerWebExchange exchange = MockServerWebExchange
		.from(MockServerHttpRequest.post("/api/v1/tokens"));

	@Test
	void responseShouldCarryTheStandardMembersThenViolationsThenExtrasAndTheHeaders() {
		ResponseEntity<ProblemDetail> answer = new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-request",
				"Invalid request", "name: at most 100 characters.",
				List.of(FieldViolation.named("name", "at most 100 characters")))
			.property("report", "r")
			.header(HttpHeaders.RETRY_AFTER, "3")
			.response(this.exchange);

		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("3");
		ProblemDetail body = answer.getBody();
		assertThat(body.getType().toString()).isEqualTo("/problems/invalid-request");
		assertThat(body.getTitle()).isEqualTo("Invalid request");
		assertThat(body.getInstance().toString()).isEqualTo("/api/v1/tokens");
		assertThat(body.getProperties()).containsOnlyKeys("requestId", "violations", "report");
		assertThat(List.copyOf(body.getProperties().keySet())).containsExactly("requestId", "violations", "report");
		assertThat(body.getProperties().get("violations"))
			.isEqualTo(List.of(new FieldViolation("name", 0, 0, "name: at most 100 characters")));
	}

	@Test
	void detailShouldBeCutAndNoViolationsLeftOut() {
		ProblemDetail body = ApiProblem.badRequest("bad-request", "Bad Request", "x".repeat(5000)).body(this.exchange);

		assertThat(body.getDetail()).hasSize(Quoted.MAX_DETAIL_CHARS + 1).endsWith("…");
		assertThat(body.getProperties()).containsOnlyKeys("requestId");
	}

	@Test
	void writeShouldAnswerOutsideSpringMvcWithTheSameJsonAndHeaders() {
		// as the application's mapper does: a problem's properties are members of the body
		JsonMapper json = JsonMapper.builder().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class).build();
		ApiProblem.of(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated", "Authentication required.")
			.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"portcullis\"")
			.instance(null)
			.write(this.exchange, json)
			.block();

		assertThat(this.exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(this.exchange.getResponse().getHeaders().getContentType())
			.isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(this.exchange.getResponse().getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE))
			.isEqualTo("Bearer realm=\"portcullis\"");
		JsonNode body = json.readTree(this.exchange.getResponse().getBodyAsString().block()
			.getBytes(StandardCharsets.UTF_8));
		assertThat(body.get("type").asString()).isEqualTo("/problems/unauthenticated");
		assertThat(body.get("status").asInt()).isEqualTo(401);
		assertThat(body.get("detail").asString()).isEqualTo("Authentication required.");
		assertThat(body.has("instance")).isFalse();
		assertThat(body.get("requestId").asString()).isEqualTo(this.exchange.getRequest().getId());
	}

}

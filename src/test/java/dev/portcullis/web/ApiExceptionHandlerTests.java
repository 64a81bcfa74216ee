package dev.portcullis.web;

import java.util.List;

import dev.portcullis.identity.Forbidden;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;

import org.springframework.core.ResolvableType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

import static org.assertj.core.api.Assertions.assertThat;

class ApiExceptionHandlerTests {

	@Test
	void roleRefusedAtTheWriteShouldBeA403ForbiddenProblemNamingTheRoleItNeeds() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post("/api/v1/workspaces/prod/import"));
		ResponseEntity<ProblemDetail> answer = new ApiExceptionHandler()
			.status(new Forbidden(Role.AUTHOR, "bundle.import"), exchange);
		assertThat(answer.getStatusCode().value()).isEqualTo(403);
		assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(answer.getBody().getType().toString()).isEqualTo("/problems/forbidden");
		assertThat(answer.getBody().getTitle()).isEqualTo("Forbidden");
		assertThat(answer.getBody().getDetail()).isEqualTo(
				"Your role does not allow this: bundle.import needs the role AUTHOR.");
	}

	/** A body type of ours, as the framework names it when no reader takes the request's type. */
	record CreateRequest(String name) {
	}

	@Test
	void unsupportedMediaTypeShouldNameTheAcceptedTypesNotTheBodyClass() {
		MediaType sent = MediaType.parseMediaType("application/json;charset=ISO-8859-1");
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.post("/api/v1/users").contentType(sent));
		UnsupportedMediaTypeStatusException ex = new UnsupportedMediaTypeStatusException(sent,
				List.of(MediaType.APPLICATION_JSON, MediaType.parseMediaType("application/*+json"),
						MediaType.APPLICATION_NDJSON),
				ResolvableType.forClass(CreateRequest.class));
		assertThat(ex.getReason()).contains("$CreateRequest"); // what the problem used to repeat

		ResponseEntity<ProblemDetail> problem = new ApiExceptionHandler().status(ex, exchange);

		assertThat(problem.getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
		assertThat(problem.getBody().getDetail()).isEqualTo("This endpoint takes a body of type application/json or "
				+ "application/x-ndjson, not \"application/json;charset=ISO-8859-1\".")
			.doesNotContain("$", "dev.portcullis", "CreateRequest");
	}

}

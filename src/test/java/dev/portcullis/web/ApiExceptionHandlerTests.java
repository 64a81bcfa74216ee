package dev.portcullis.web;

import dev.portcullis.identity.Forbidden;
import dev.portcullis.identity.Role;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

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

}

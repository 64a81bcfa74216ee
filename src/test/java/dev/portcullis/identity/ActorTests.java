package dev.portcullis.identity;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

class ActorTests {

	private static final MockServerWebExchange EXCHANGE = MockServerWebExchange
		.from(MockServerHttpRequest.get("/").remoteAddress(new InetSocketAddress("192.0.2.1", 40000)));

	@Test
	void passwordSignInShouldBeAUserWithTheHighestRole() {
		var authentication = UsernamePasswordAuthenticationToken.authenticated(
				new SignedInUser(1, "ada", "Ada", Role.REVIEWER, 0), null,
				AuthorityUtils.createAuthorityList(Role.REVIEWER.authorities()));
		assertThat(Actor.of(authentication)).isEqualTo(new Actor("ada", Actor.Kind.USER, Role.REVIEWER, null, null));
	}

	@Test
	void apiTokenShouldBeATokenActorWithTheTokensName() {
		assertThat(Actor.of(new ApiTokenAuthentication("ci-bot", Role.AUTHOR, 7, "deploy")))
			.isEqualTo(new Actor("ci-bot", Actor.Kind.TOKEN, Role.AUTHOR, "deploy", null));
	}

	@Test
	void nothingOrAnonymousShouldBeAnonymous() {
		assertThat(Actor.of(null)).isEqualTo(Actor.ANONYMOUS);
		assertThat(Actor.of(new AnonymousAuthenticationToken("k", "anonymousUser",
				AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")))).isEqualTo(Actor.ANONYMOUS);
		StepVerifier.create(Actor.current(EXCHANGE)).expectNext(Actor.ANONYMOUS.withAddress("192.0.2.1")).verifyComplete();
	}

	@Test
	void currentShouldReadTheReactiveSecurityContextAndTheClientAddress() {
		var authentication = UsernamePasswordAuthenticationToken.authenticated(
				new SignedInUser(2, "grace", "Grace", Role.ADMIN, 0), null,
				AuthorityUtils.createAuthorityList(Role.ADMIN.authorities()));
		Mono<Actor> actor = Actor.current(EXCHANGE)
			.contextWrite(ReactiveSecurityContextHolder.withAuthentication(authentication));
		StepVerifier.create(actor).expectNext(new Actor("grace", Actor.Kind.USER, Role.ADMIN, null, "192.0.2.1"))
			.verifyComplete();
	}

	@Test
	void roleAuthoritiesShouldIncludeEveryLowerRole() {
		assertThat(Role.AUTHOR.authorities()).isEqualTo(List.of("ROLE_VIEWER", "ROLE_AUTHOR"));
		assertThat(Role.ADMIN.authorities()).hasSize(4);
	}

}

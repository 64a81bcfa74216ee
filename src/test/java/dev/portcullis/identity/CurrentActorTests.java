package dev.portcullis.identity;

import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

class CurrentActorTests {

	@Test
	void passwordSignInShouldBeAUserWithTheHighestRole() {
		var authentication = UsernamePasswordAuthenticationToken.authenticated(
				new SignedInUser(1, "ada", "Ada", Role.REVIEWER, 0), null,
				AuthorityUtils.createAuthorityList(Role.REVIEWER.authorities()));
		assertThat(CurrentActor.of(authentication)).isEqualTo(new Actor("ada", Actor.Kind.USER, Role.REVIEWER, null));
	}

	@Test
	void apiTokenShouldBeATokenActorWithTheTokensName() {
		assertThat(CurrentActor.of(new ApiTokenAuthentication("ci-bot", Role.AUTHOR, 7, "deploy")))
			.isEqualTo(new Actor("ci-bot", Actor.Kind.TOKEN, Role.AUTHOR, "deploy"));
	}

	@Test
	void nothingOrAnonymousShouldBeAnonymous() {
		assertThat(CurrentActor.of(null)).isEqualTo(Actor.ANONYMOUS);
		assertThat(CurrentActor.of(new AnonymousAuthenticationToken("k", "anonymousUser",
				AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")))).isEqualTo(Actor.ANONYMOUS);
		StepVerifier.create(CurrentActor.get()).expectNext(Actor.ANONYMOUS).verifyComplete();
	}

	@Test
	void getShouldReadTheReactiveSecurityContext() {
		var authentication = UsernamePasswordAuthenticationToken.authenticated(
				new SignedInUser(2, "grace", "Grace", Role.ADMIN, 0), null,
				AuthorityUtils.createAuthorityList(Role.ADMIN.authorities()));
		Mono<Actor> actor = CurrentActor.get()
			.contextWrite(ReactiveSecurityContextHolder.withAuthentication(authentication));
		StepVerifier.create(actor).expectNext(new Actor("grace", Actor.Kind.USER, Role.ADMIN, null)).verifyComplete();
	}

	@Test
	void roleAuthoritiesShouldIncludeEveryLowerRole() {
		assertThat(Role.AUTHOR.authorities()).isEqualTo(List.of("ROLE_VIEWER", "ROLE_AUTHOR"));
		assertThat(Role.ADMIN.authorities()).hasSize(4);
	}

}

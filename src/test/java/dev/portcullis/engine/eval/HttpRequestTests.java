package dev.portcullis.engine.eval;

import java.util.List;

import dev.portcullis.engine.flow.Flow.Header;
import dev.portcullis.engine.flow.Flow.Http;
import dev.portcullis.engine.match.HttpMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class HttpRequestTests {

	@ParameterizedTest
	@CsvSource({ "http://reviews:9080/reviews/0, /reviews/0, reviews:9080",
			"http://svc/search?q=x, /search?q=x, svc", "https://api.example.com, /, api.example.com",
			"http://a?x=1, /?x=1, a", "/just/a/path, /just/a/path, ''", "'', '', ''" })
	void httpRequestShouldDerivePathWithQueryAndAuthorityFromTheUrl(String url, String path, String authority) {
		HttpMatcher.Request request = L7Decisions.httpRequest(new Http("GET", url, List.of(), "HTTP/1.1"));
		assertThat(request.path()).isEqualTo(path);
		assertThat(request.authority()).isEqualTo(authority);
		assertThat(request.method()).isEqualTo("GET");
	}

	@Test
	void httpRequestWhenHostHeaderShouldPreferItOverTheUrl() {
		HttpMatcher.Request request = L7Decisions.httpRequest(new Http("GET", "http://10.0.0.1:80/x",
				List.of(new Header("Host", "api.example.com:8080")), "HTTP/1.1"));
		assertThat(request.authority()).isEqualTo("api.example.com:8080");
	}

	@Test
	void isGrpcShouldNeedHttp2AndTheGrpcContentType() {
		List<Header> grpc = List.of(new Header("content-type", "application/grpc+proto"));
		assertThat(L7Decisions.isGrpc(new Http("POST", "/pkg.Svc/M", grpc, "HTTP/2"))).isTrue();
		assertThat(L7Decisions.isGrpc(new Http("POST", "/pkg.Svc/M", grpc, "HTTP/1.1"))).isFalse();
		assertThat(L7Decisions.isGrpc(new Http("POST", "/pkg.Svc/M", List.of(), "HTTP/2"))).isFalse();
		assertThat(L7Decisions.isGrpc(new Http("POST", "/pkg.Svc/M", grpc, null))).isFalse();
	}

	@ParameterizedTest
	@CsvSource({ "produce, 0", "Fetch, 1", "metadata, 3", "18, 18", "heartbeat, 12", "bogus, -1" })
	void kafkaApiKeyShouldAcceptNamesAndNumbers(String name, int key) {
		assertThat(L7Decisions.kafkaApiKey(name)).isEqualTo(key);
	}

}

package dev.portcullis.policy.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A policy to start from on the "New policy" page, read from {@code classpath:policy-templates/<id>.yaml}: the
 * four examples of the product brief (HTTP, gRPC, Kafka, DNS) and the usual building blocks. Each one validates
 * without errors (PolicyTemplateTests).
 *
 * @param id the file name without {@code .yaml}, also the {@code ?template=} value
 * @param title what the picker shows
 * @param yaml the text, a comment line first that says what it allows
 */
record PolicyTemplate(String id, String title, String yaml) {

	/** Every template, in the picker's order. */
	static final List<PolicyTemplate> ALL = List.of(
			load("http", "HTTP: only GET /public on port 80 from env=prod"),
			load("grpc", "gRPC: only POST /helloworld.Greeter/SayHello on 50051"),
			load("kafka", "Kafka: produce only to topic empire-announce on 9092"),
			load("dns", "DNS: kube-dns only for *.cilium.io, then HTTPS to those names"),
			load("default-deny-ingress", "Default deny in"), load("default-deny-egress", "Default deny out"),
			load("allow-dns", "Allow DNS"), load("allow-kube-apiserver", "Allow kube-apiserver"));

	/** The template with this id, empty for an unknown one. */
	static Optional<PolicyTemplate> find(String id) {
		return ALL.stream().filter((template) -> template.id().equals(id)).findFirst();
	}

	private static PolicyTemplate load(String id, String title) {
		String path = "/policy-templates/" + id + ".yaml";
		try (InputStream in = PolicyTemplate.class.getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalStateException("missing resource " + path);
			}
			return new PolicyTemplate(id, title, new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

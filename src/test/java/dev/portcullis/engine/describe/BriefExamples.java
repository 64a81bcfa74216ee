package dev.portcullis.engine.describe;

import java.util.List;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlReader;

import static org.assertj.core.api.Assertions.assertThat;

/** The four examples of the product's brief (issue 10's templates), and a parser for test policies. */
public final class BriefExamples {

	public static final String HTTP = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: service-get-public
			  namespace: default
			spec:
			  endpointSelector:
			    matchLabels:
			      app: service
			  ingress:
			  - fromEndpoints:
			    - matchLabels:
			        env: prod
			    toPorts:
			    - ports:
			      - port: "80"
			        protocol: TCP
			      rules:
			        http:
			        - method: GET
			          path: /public
			""";

	public static final String GRPC = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: greeter-say-hello
			  namespace: default
			spec:
			  endpointSelector:
			    matchLabels:
			      app: greeter
			  ingress:
			  - fromEndpoints:
			    - matchLabels:
			        app: client
			    toPorts:
			    - ports:
			      - port: "50051"
			        protocol: TCP
			      rules:
			        http:
			        - method: POST
			          path: /helloworld.Greeter/SayHello
			""";

	public static final String KAFKA = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: empire-announce-produce
			  namespace: default
			spec:
			  endpointSelector:
			    matchLabels:
			      app: kafka
			  ingress:
			  - fromEndpoints:
			    - matchLabels:
			        app: empire-hq
			    toPorts:
			    - ports:
			      - port: "9092"
			        protocol: TCP
			      rules:
			        kafka:
			        - role: produce
			          topic: empire-announce
			""";

	public static final String DNS = """
			apiVersion: cilium.io/v2
			kind: CiliumNetworkPolicy
			metadata:
			  name: cilium-io-only
			  namespace: default
			spec:
			  endpointSelector:
			    matchLabels:
			      app: crawler
			  egress:
			  - toEndpoints:
			    - matchLabels:
			        k8s:io.kubernetes.pod.namespace: kube-system
			        k8s:k8s-app: kube-dns
			    toPorts:
			    - ports:
			      - port: "53"
			        protocol: ANY
			      rules:
			        dns:
			        - matchPattern: "*.cilium.io"
			  - toFQDNs:
			    - matchPattern: "*.cilium.io"
			    toPorts:
			    - ports:
			      - port: "443"
			        protocol: TCP
			""";

	private BriefExamples() {
	}

	/** The valid policies of {@code text}; fails the test on any error. */
	public static List<Policy> parse(String text) {
		YamlDocuments documents = YamlReader.read(text);
		assertThat(documents.errors()).isEmpty();
		ParseResult parsed = PolicyParser.parse(documents.documents());
		assertThat(parsed.errors()).as("errors in the test policy").isEmpty();
		return parsed.policies();
	}

}

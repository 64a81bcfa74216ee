package dev.portcullis.policy.editor;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.engine.api.Policy;
import dev.portcullis.engine.parse.ParseResult;
import dev.portcullis.engine.parse.PolicyParser;
import dev.portcullis.yaml.YamlDocuments;
import dev.portcullis.yaml.YamlLimits;
import dev.portcullis.yaml.YamlReader;

/**
 * A workspace's stored policies read back into the engine's model, one canonical text at a time. A text that no
 * longer passes (stored under an earlier engine's rules) is counted and left out rather than failing the whole
 * read: a picture of the rest is still worth having.
 *
 * @param policies the policies that passed, in the order of their texts
 * @param unreadable how many texts did not
 */
record WorkspacePolicies(List<Policy> policies, int unreadable) {

	static WorkspacePolicies read(List<String> texts, YamlLimits limits) {
		List<Policy> policies = new ArrayList<>(texts.size());
		int unreadable = 0;
		for (String text : texts) {
			YamlDocuments documents = YamlReader.read(text, limits);
			ParseResult parsed = documents.hasErrors() ? null : PolicyParser.parse(documents.documents());
			if (parsed == null || parsed.hasErrors()) {
				unreadable++;
				continue;
			}
			policies.addAll(parsed.policies());
		}
		return new WorkspacePolicies(policies, unreadable);
	}

}

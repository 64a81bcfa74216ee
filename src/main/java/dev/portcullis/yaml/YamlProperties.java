package dev.portcullis.yaml;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@link YamlLimits} every policy text read by the app is held to ({@code portcullis.yaml.*}); the defaults
 * are those of {@link YamlLimits#DEFAULTS}.
 */
@ConfigurationProperties("portcullis.yaml")
public record YamlProperties(@DefaultValue("3145728") int maxInputChars, @DefaultValue("10000") int maxDocuments,
		@DefaultValue("128") int maxDepth, @DefaultValue("100") int maxAliases,
		@DefaultValue("1000000") int maxNodes, @DefaultValue("1048576") int maxScalarChars) {

	public YamlLimits limits() {
		return new YamlLimits(this.maxInputChars, this.maxDocuments, this.maxDepth, this.maxAliases, this.maxNodes,
				this.maxScalarChars);
	}

}

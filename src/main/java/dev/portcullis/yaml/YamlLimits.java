package dev.portcullis.yaml;

/**
 * Bounds on what {@link YamlReader} reads; exceeding one gives a clear violation instead of a slow or huge load.
 * <p>
 * Defaults ({@link #DEFAULTS}):
 * <ul>
 * <li>{@code maxInputChars} 3 MiB (3,145,728 characters): the Kubernetes API server refuses request bodies above
 * 3 MiB, so a larger paste cannot be applied as one request anyway; it is refused before parsing starts.</li>
 * <li>{@code maxDocuments} 10,000 documents in one stream.</li>
 * <li>{@code maxDepth} 128 nested collections (a policy nests about 12 deep, {@code managedFields} about 30).</li>
 * <li>{@code maxAliases} 100 alias uses ({@code *name}) per stream.</li>
 * <li>{@code maxNodes} 1,000,000 nodes per stream, counting every node an alias repeats: this is what refuses
 * "billion laughs" bombs, whose few aliases expand to billions of nodes.</li>
 * <li>{@code maxScalarChars} 1 MiB (1,048,576 characters) per scalar (a
 * {@code kubectl.kubernetes.io/last-applied-configuration} annotation holds a whole object).</li>
 * </ul>
 */
public record YamlLimits(int maxInputChars, int maxDocuments, int maxDepth, int maxAliases, int maxNodes,
		int maxScalarChars) {

	public static final YamlLimits DEFAULTS = new YamlLimits(3 * 1024 * 1024, 10_000, 128, 100, 1_000_000,
			1024 * 1024);

	public YamlLimits {
		requirePositive("maxInputChars", maxInputChars);
		requirePositive("maxDocuments", maxDocuments);
		requirePositive("maxDepth", maxDepth);
		if (maxAliases < 0) {
			throw new IllegalArgumentException("maxAliases must be 0 or more, not " + maxAliases);
		}
		requirePositive("maxNodes", maxNodes);
		requirePositive("maxScalarChars", maxScalarChars);
	}

	private static void requirePositive(String name, int value) {
		if (value <= 0) {
			throw new IllegalArgumentException(name + " must be positive, not " + value);
		}
	}

	public YamlLimits withMaxInputChars(int value) {
		return new YamlLimits(value, this.maxDocuments, this.maxDepth, this.maxAliases, this.maxNodes,
				this.maxScalarChars);
	}

	public YamlLimits withMaxDocuments(int value) {
		return new YamlLimits(this.maxInputChars, value, this.maxDepth, this.maxAliases, this.maxNodes,
				this.maxScalarChars);
	}

	public YamlLimits withMaxDepth(int value) {
		return new YamlLimits(this.maxInputChars, this.maxDocuments, value, this.maxAliases, this.maxNodes,
				this.maxScalarChars);
	}

	public YamlLimits withMaxAliases(int value) {
		return new YamlLimits(this.maxInputChars, this.maxDocuments, this.maxDepth, value, this.maxNodes,
				this.maxScalarChars);
	}

	public YamlLimits withMaxNodes(int value) {
		return new YamlLimits(this.maxInputChars, this.maxDocuments, this.maxDepth, this.maxAliases, value,
				this.maxScalarChars);
	}

	public YamlLimits withMaxScalarChars(int value) {
		return new YamlLimits(this.maxInputChars, this.maxDocuments, this.maxDepth, this.maxAliases, this.maxNodes,
				value);
	}

}

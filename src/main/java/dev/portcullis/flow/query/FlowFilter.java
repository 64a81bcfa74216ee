package dev.portcullis.flow.query;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.portcullis.web.Quoted;
import org.jspecify.annotations.Nullable;

/**
 * A flow filter in the vocabulary of {@code hubble observe}: the filter flags the user gave, in order, with
 * {@code --since} / {@code --until}, and Portcullis's hide-noise switches. Read from query parameters
 * ({@link #fromParameters}: {@code from_pod=default/xwing&verdict=DROPPED}, repeatable, plus {@code q}, a flag
 * line) or from a flag line ({@link #parseLine}: {@code --from-pod default/xwing --verdict DROPPED --since 1h}),
 * written back as a command ({@link #toCommand}) or as query parameters ({@link #toQueryString}).
 * <p>
 * Semantics, as the CLI builds its {@code FlowFilter}s (cilium/hubble cmd/observe/flows_filter.go): the values
 * of one flag are alternatives (OR); different flags must all hold (AND); a flag of both sides ({@code --pod},
 * {@code --namespace}, {@code --label}, {@code --ip}, {@code --fqdn}, {@code --port}) makes two alternative
 * filters, one where the source matches and one where the destination does, the other flags applying to both.
 * {@code --not} puts the next flag into the exclusion list instead; the excluded flags are combined with the
 * same rules, so {@code --not --namespace a --not --verdict DROPPED} leaves out the dropped flows of namespace
 * {@code a}, not every flow of {@code a}. A flow is shown when it matches the allow list (or the list is empty)
 * and does not match the exclusion list. A pod is {@code [namespace/]<name prefix>}, the namespace
 * {@code default} when none is given; {@code --namespace x} is the pod filter {@code x/}. Flags the CLI refuses
 * to combine ({@code --from-pod} with {@code --namespace}, ...) are refused here too. The hide-noise switches
 * ({@link Noise}) and the hidden label selectors ({@code hide_label=app=noisy}) each leave out their flows on their
 * own, whatever else is given: a flow is hidden when its source or its destination matches a hidden selector.
 *
 * @param terms the flags, in the order given
 * @param since the earliest flow time, or null
 * @param until the latest flow time, or null
 * @param hide the kinds of noise to leave out
 * @param hideLabels label selectors ({@code hubble observe --label} syntax) whose flows to leave out, either side
 */
public record FlowFilter(List<FilterTerm> terms, @Nullable TimeBound since, @Nullable TimeBound until,
		Set<Noise> hide, List<LabelSelectorText> hideLabels) {

	/** The filter that lets every flow through. */
	public static final FlowFilter ALL = new FlowFilter(List.of(), null, null, Set.of(), List.of());

	/** The parameters that are not flags: paging and output. */
	public static final Set<String> OTHER_PARAMETERS = Set.of("q", "limit", "cursor", "follow", "hide", "hide_label",
			"since", "until", "format");

	public FlowFilter {
		terms = List.copyOf(terms);
		hide = hide.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(hide));
		hideLabels = List.copyOf(hideLabels);
		checkConflicts(terms);
	}

	/** Flows that most views hide ({@code hide=host,kube-dns,remote-node}). */
	public enum Noise {
		/** Flows from or to the node itself ({@code reserved:host}). */
		HOST("host"),
		/** Flows from or to the cluster's DNS ({@code k8s:k8s-app=kube-dns}). */
		KUBE_DNS("kube-dns"),
		/** Flows from or to other nodes ({@code reserved:remote-node}). */
		REMOTE_NODE("remote-node");

		private final String parameter;

		Noise(String parameter) {
			this.parameter = parameter;
		}

		public String parameter() {
			return this.parameter;
		}

		/** The label that marks this noise on either side of a flow ({@code reserved:host}, ...). */
		String label() {
			return switch (this) {
				case HOST -> "reserved:host";
				case KUBE_DNS -> "k8s:k8s-app=kube-dns";
				case REMOTE_NODE -> "reserved:remote-node";
			};
		}

		static Noise parse(String text) {
			for (Noise noise : values()) {
				if (noise.parameter.equals(text.strip().toLowerCase(Locale.ROOT))) {
					return noise;
				}
			}
			throw new FilterRefused("hide", 0, "hide must be host, kube-dns or remote-node, not " + Quoted.of(text));
		}

		boolean matches(FlowFacts flow) {
			return switch (this) {
				case HOST -> flow.source().hasLabel("reserved:host") || flow.destination().hasLabel("reserved:host");
				case KUBE_DNS -> flow.source().hasLabel("k8s:k8s-app=kube-dns")
						|| flow.destination().hasLabel("k8s:k8s-app=kube-dns");
				case REMOTE_NODE -> flow.source().hasLabel("reserved:remote-node")
						|| flow.destination().hasLabel("reserved:remote-node");
			};
		}

	}

	/**
	 * Reads query parameters: every flag by its parameter name (repeatable), {@code since}, {@code until},
	 * {@code hide} (repeatable or comma-separated), {@code hide_label} (repeatable, one selector each; blank ones are
	 * skipped) and {@code q}, a flag line whose flags are added after the
	 * parameters'. Parameters in {@code OTHER_PARAMETERS} other than these are left to the caller.
	 * @throws FilterRefused naming the parameter, for an unknown parameter or a bad value
	 */
	public static FlowFilter fromParameters(Map<String, List<String>> parameters) {
		List<FilterTerm> terms = new ArrayList<>();
		TimeBound since = null;
		TimeBound until = null;
		Set<Noise> hide = EnumSet.noneOf(Noise.class);
		for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
			String name = parameter.getKey();
			if (OTHER_PARAMETERS.contains(name)) {
				continue;
			}
			Flag flag = Flag.named(name);
			if (flag == null || !flag.parameter().equals(name)) {
				throw new FilterRefused(name, 0, "Unknown parameter " + Quoted.of(name) + "; filters are "
						+ String.join(", ", parameterNames()) + ", since, until, hide and q");
			}
			for (String value : parameter.getValue()) {
				terms.add(term(flag, value, false, name, 0));
			}
		}
		since = bound(parameters, "since");
		until = bound(parameters, "until");
		for (String value : parameters.getOrDefault("hide", List.of())) {
			for (String part : value.split(",")) {
				if (!part.isBlank()) {
					hide.add(Noise.parse(part));
				}
			}
		}
		List<LabelSelectorText> hideLabels = new ArrayList<>();
		for (String value : parameters.getOrDefault("hide_label", List.of())) {
			if (!value.isBlank()) {
				try {
					hideLabels.add(LabelSelectorText.parse(value.strip()));
				}
				catch (IllegalArgumentException ex) {
					throw new FilterRefused("hide_label", 0, "hide_label: " + ex.getMessage());
				}
			}
		}
		List<String> lines = parameters.getOrDefault("q", List.of());
		FlowFilter filter = new FlowFilter(terms, since, until, hide, hideLabels);
		for (String line : lines) {
			filter = filter.and(parseLine(line));
		}
		return filter;
	}

	private static @Nullable TimeBound bound(Map<String, List<String>> parameters, String name) {
		List<String> values = parameters.getOrDefault(name, List.of());
		if (values.isEmpty()) {
			return null;
		}
		if (values.size() > 1) {
			throw new FilterRefused(name, 0, name + " may be given once");
		}
		try {
			return TimeBound.parse(values.get(0));
		}
		catch (IllegalArgumentException ex) {
			throw new FilterRefused(name, 0, name + " " + ex.getMessage());
		}
	}

	/** The query parameter of every flag, in order. */
	public static List<String> parameterNames() {
		List<String> names = new ArrayList<>();
		for (Flag flag : Flag.values()) {
			names.add(flag.parameter());
		}
		return names;
	}

	/**
	 * Reads a flag line, {@code --from-pod default/xwing --verdict DROPPED --http-status 5+ --since 1h}; a leading
	 * {@code hubble observe} (and {@code flows}) is skipped, as are the output flags that do not filter
	 * ({@code -f}/{@code --follow}, {@code --all}, {@code -o}/{@code --output}, {@code --last}/{@code --first} and
	 * their value, {@code --print-node-name}). {@code --flag value} and {@code --flag=value} are both read.
	 * @throws FilterRefused for {@code q}, with the column of the bad word
	 */
	public static FlowFilter parseLine(String line) {
		List<FlagLine.Word> words = FlagLine.split(line);
		int i = 0;
		if (i < words.size() && words.get(i).text().equals("hubble")) {
			i++;
		}
		if (i < words.size() && words.get(i).text().equals("observe")) {
			i++;
		}
		if (i < words.size() && words.get(i).text().equals("flows")) {
			i++;
		}
		List<FilterTerm> terms = new ArrayList<>();
		TimeBound since = null;
		TimeBound until = null;
		boolean not = false;
		int notColumn = 0;
		for (; i < words.size(); i++) {
			FlagLine.Word word = words.get(i);
			String text = word.text();
			String name;
			String value = null;
			if (text.startsWith("--")) {
				name = text.substring(2);
				int equals = name.indexOf('=');
				if (equals >= 0) {
					value = name.substring(equals + 1);
					name = name.substring(0, equals);
				}
			}
			else if (text.startsWith("-") && text.length() >= 2) {
				name = text.substring(1, 2);
				if (text.length() > 2) {
					value = text.substring(2).startsWith("=") ? text.substring(3) : text.substring(2);
				}
			}
			else {
				throw new FilterRefused("q", word.column(), "Expected a flag such as --verdict at column "
						+ word.column() + ", found " + Quoted.of(text));
			}
			if (name.equals("not")) {
				if (not) {
					throw new FilterRefused("q", word.column(), "Two --not in a row at column " + word.column()
							+ "; --not applies to the one flag after it");
				}
				not = true;
				notColumn = word.column();
				continue;
			}
			if (List.of("f", "follow", "all", "print-node-name").contains(name) && value == null) {
				continue;
			}
			boolean ignoredWithValue = List.of("o", "output", "last", "first").contains(name);
			Flag flag = Flag.named(name);
			boolean time = name.equals("since") || name.equals("until");
			if (flag == null && !time && !ignoredWithValue || (flag != null && !flag.flag().equals(name)
					&& !name.equals(flag.shortName()))) {
				throw new FilterRefused("q", word.column(), "Unknown flag " + Quoted.of(text) + " at column "
						+ word.column() + "; filters are --" + String.join(", --", flagNames())
						+ ", --since, --until and --not");
			}
			int column = word.column();
			if (value == null) {
				if (i + 1 >= words.size()) {
					throw new FilterRefused("q", column, Quoted.of(text) + " at column " + column + " needs a value");
				}
				value = words.get(++i).text();
			}
			if (ignoredWithValue) {
				continue;
			}
			if (time) {
				if (not) {
					throw new FilterRefused("q", notColumn, "--not cannot apply to --" + name);
				}
				TimeBound bound;
				try {
					bound = TimeBound.parse(value);
				}
				catch (IllegalArgumentException ex) {
					throw new FilterRefused("q", column, "--" + name + " at column " + column + " " + ex.getMessage());
				}
				if (name.equals("since")) {
					since = bound;
				}
				else {
					until = bound;
				}
				continue;
			}
			terms.add(term(flag, value, not, "q", column));
			not = false;
		}
		if (not) {
			throw new FilterRefused("q", notColumn, "--not at column " + notColumn + " needs a filter flag after it");
		}
		try {
			return new FlowFilter(terms, since, until, Set.of(), List.of());
		}
		catch (FilterRefused ex) {
			throw new FilterRefused("q", 0, ex.getMessage());
		}
	}

	private static List<String> flagNames() {
		List<String> names = new ArrayList<>();
		for (Flag flag : Flag.values()) {
			names.add(flag.flag());
		}
		return names;
	}

	private static FilterTerm term(Flag flag, String value, boolean not, String parameter, int column) {
		try {
			Condition.value(flag, value);
		}
		catch (IllegalArgumentException ex) {
			String where = (column > 0) ? "--" + flag.flag() + " at column " + column : parameter;
			throw new FilterRefused(parameter, column, where + " " + ex.getMessage());
		}
		return new FilterTerm(flag, value.strip(), not);
	}

	private static void checkConflicts(List<FilterTerm> terms) {
		for (boolean negated : new boolean[] { false, true }) {
			Set<String> used = new java.util.LinkedHashSet<>();
			for (FilterTerm term : terms) {
				if (term.negated() == negated) {
					used.add(term.flag().flag());
				}
			}
			for (List<String> group : Flag.CONFLICTS) {
				List<String> present = group.stream().filter(used::contains).toList();
				if (present.size() > 1) {
					Flag first = Flag.named(present.get(0));
					throw new FilterRefused(first.parameter(), 0, "Filters --" + present.get(0) + " and --"
							+ present.get(1) + " cannot be combined" + (negated ? " after --not" : "")
							+ " (as in hubble observe)");
				}
			}
		}
	}

	/** This filter and {@code other}'s flags after its own; {@code other}'s time bounds and switches win. */
	public FlowFilter and(FlowFilter other) {
		List<FilterTerm> all = new ArrayList<>(this.terms);
		all.addAll(other.terms);
		Set<Noise> noise = EnumSet.noneOf(Noise.class);
		noise.addAll(this.hide);
		noise.addAll(other.hide);
		List<LabelSelectorText> labels = new ArrayList<>(this.hideLabels);
		other.hideLabels.stream().filter((label) -> !labels.contains(label)).forEach(labels::add);
		return new FlowFilter(all, (other.since != null) ? other.since : this.since,
				(other.until != null) ? other.until : this.until, noise, labels);
	}

	/** This filter with one more flag (for a label that becomes a filter). */
	public FlowFilter with(Flag flag, String value, boolean negated) {
		List<FilterTerm> all = new ArrayList<>(this.terms);
		all.add(term(flag, value, negated, flag.parameter(), 0));
		return new FlowFilter(all, this.since, this.until, this.hide, this.hideLabels);
	}

	/** This filter without its {@code index}th flag (a chip closed). */
	public FlowFilter without(int index) {
		List<FilterTerm> all = new ArrayList<>(this.terms);
		all.remove(index);
		return new FlowFilter(all, this.since, this.until, this.hide, this.hideLabels);
	}

	/** This filter without its {@code index}th hidden label selector (a "hiding" chip closed); the rest kept. */
	public FlowFilter withoutHideLabel(int index) {
		List<LabelSelectorText> labels = new ArrayList<>(this.hideLabels);
		labels.remove(index);
		return new FlowFilter(this.terms, this.since, this.until, this.hide, labels);
	}

	/**
	 * The command that shows the same flows with the CLI: {@code hubble observe --from-pod default/xwing --verdict
	 * DROPPED}. The hide-noise switches become {@code --not --label reserved:host} and the like (the CLI puts every
	 * {@code --not} flag into one exclusion, whose labels it ORs, on either side: exactly the switches). With
	 * negated flags of the user's own the CLI would AND those into the same exclusion, so the switches are then left
	 * out, and {@link #commandLeavesOutHide()} says so. Hidden label selectors become {@code --not --label <selector>}
	 * after the switches, by the same rule.
	 */
	public String toCommand() {
		StringBuilder command = new StringBuilder("hubble observe");
		flags(command);
		if (hides() && !commandLeavesOutHide()) {
			for (Noise noise : this.hide.stream().sorted().toList()) {
				command.append(" --not --label ").append(FlagLine.quote(noise.label()));
			}
			for (LabelSelectorText label : this.hideLabels) {
				command.append(" --not --label ").append(FlagLine.quote(label.text()));
			}
		}
		return command.toString();
	}

	/**
	 * Whether {@link #toCommand()} shows more flows than this filter: hide-noise switches or hidden label selectors
	 * together with negated flags, which the CLI cannot say in one command.
	 */
	public boolean commandLeavesOutHide() {
		return hides() && this.terms.stream().anyMatch(FilterTerm::negated);
	}

	private boolean hides() {
		return !this.hide.isEmpty() || !this.hideLabels.isEmpty();
	}

	/** The flags alone as a flag line ({@code q} reads it back), "" when there are none. */
	public String toFlagLine() {
		StringBuilder line = new StringBuilder();
		flags(line);
		return line.toString().strip();
	}

	private void flags(StringBuilder command) {
		if (this.since != null) {
			command.append(" --since ").append(FlagLine.quote(this.since.text()));
		}
		if (this.until != null) {
			command.append(" --until ").append(FlagLine.quote(this.until.text()));
		}
		for (FilterTerm term : this.terms) {
			command.append(' ').append(term.toArguments());
		}
	}

	/**
	 * The filter as query parameters ({@code from_pod=default%2Fxwing&q=--not+--verdict+DROPPED}); negated flags go
	 * in {@code q}. "" for {@link #ALL}.
	 */
	public String toQueryString() {
		Map<String, List<String>> parameters = toParameters();
		StringBuilder query = new StringBuilder();
		parameters.forEach((name, values) -> {
			for (String value : values) {
				query.append(query.isEmpty() ? "" : "&").append(name).append('=')
					.append(URLEncoder.encode(value, StandardCharsets.UTF_8));
			}
		});
		return query.toString();
	}

	/** The filter as query parameters, in a stable order. */
	public Map<String, List<String>> toParameters() {
		Map<String, List<String>> parameters = new LinkedHashMap<>();
		StringBuilder negated = new StringBuilder();
		for (FilterTerm term : this.terms) {
			if (term.negated()) {
				negated.append(negated.isEmpty() ? "" : " ").append(term.toArguments());
			}
			else {
				parameters.computeIfAbsent(term.flag().parameter(), (k) -> new ArrayList<>()).add(term.value());
			}
		}
		if (this.since != null) {
			parameters.put("since", List.of(this.since.text()));
		}
		if (this.until != null) {
			parameters.put("until", List.of(this.until.text()));
		}
		if (!this.hide.isEmpty()) {
			parameters.put("hide", this.hide.stream().sorted().map(Noise::parameter).toList());
		}
		if (!this.hideLabels.isEmpty()) {
			parameters.put("hide_label", this.hideLabels.stream().map(LabelSelectorText::text).toList());
		}
		if (!negated.isEmpty()) {
			parameters.put("q", List.of(negated.toString()));
		}
		return parameters;
	}

	/** The filter compiled for matching, relative times resolved against {@code now}. */
	public FlowMatcher compile(Instant now) {
		return FlowMatcher.of(this, now);
	}

}

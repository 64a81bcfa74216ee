package dev.portcullis.engine.doc;

import org.jspecify.annotations.Nullable;

/**
 * Finds where a field path ({@link Violation#path()} style: {@code items[0].spec.ingress[1].toPorts[0]}) lies in a
 * document tree, so that findings about the parsed model can point at the text they came from.
 */
public final class NodePath {

	private NodePath() {
	}

	/**
	 * Where {@code path} starts in {@code root}: the position of its last map key (so a finding about
	 * {@code fromEndpoints} underlines the key) or list item. When a segment is missing (a field the parser
	 * supplied, such as a NetworkPolicy's default-deny rule), the position of the deepest segment that exists;
	 * {@link Position#UNKNOWN} only for an empty tree.
	 */
	public static Position find(@Nullable Node root, String path) {
		if (root == null) {
			return Position.UNKNOWN;
		}
		Node node = root;
		Position found = root.position();
		int i = 0;
		int length = path.length();
		while (i < length) {
			char c = path.charAt(i);
			if (c == '.') {
				i++;
				continue;
			}
			if (c == '[') {
				int close = path.indexOf(']', i);
				if (close < 0 || !(node instanceof Node.ListNode list)) {
					return found;
				}
				int index;
				try {
					index = Integer.parseInt(path.substring(i + 1, close));
				}
				catch (NumberFormatException ex) {
					return found;
				}
				if (index < 0 || index >= list.items().size()) {
					return found;
				}
				node = list.items().get(index);
				found = node.position();
				i = close + 1;
				continue;
			}
			int end = i;
			while (end < length && path.charAt(end) != '.' && path.charAt(end) != '[') {
				end++;
			}
			String key = path.substring(i, end);
			if (!(node instanceof Node.MapNode map) || map.get(key) == null) {
				return found;
			}
			found = map.keyPosition(key);
			node = map.get(key);
			i = end;
		}
		return found;
	}

}

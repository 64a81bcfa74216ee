package dev.portcullis.policy;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One page of a keyset-paginated list.
 *
 * @param items the items, in the list's order
 * @param nextCursor pass it as the next query's cursor to get the following page; null on the last page
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {

	public Page {
		items = List.copyOf(items);
	}

	public boolean hasNext() {
		return this.nextCursor != null;
	}

}

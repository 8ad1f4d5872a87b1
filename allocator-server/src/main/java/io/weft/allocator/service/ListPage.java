package io.weft.allocator.service;

/**
 * ListLeases page tokens: the position after the last lease of the previous page. Leases
 * added or removed between pages may shift a lease across a page boundary; use WatchLeases
 * for an exact view.
 */
final class ListPage {

    private ListPage() {}

    static int start(String token, int size) {
        if (token.isEmpty()) {
            return 0;
        }
        try {
            int start = Integer.parseInt(token);
            if (start < 0) {
                throw new NumberFormatException();
            }
            return Math.min(start, size);
        } catch (NumberFormatException e) {
            throw FieldCheck.invalid(
                    "page_token",
                    "\"" + (token.length() > 20 ? token.substring(0, 20) : token)
                            + "\" is not a token from an earlier next_page_token");
        }
    }

    static String token(int nextStart) {
        return Integer.toString(nextStart);
    }
}

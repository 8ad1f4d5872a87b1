package io.weft.allocator.map;

import io.weft.allocator.service.LeaseServices;
import io.weft.http.OperatorHttp;
import io.weft.http.WebPages;
import java.time.InstantSource;

/**
 * The live lease map on the allocator's HTTP port: a read-only page drawn in the browser from
 * files in this jar, fed by the watch hub (never by polling etcd).
 *
 * <ul>
 *   <li>{@code /}, {@code /map.js}, {@code /map.css}: the page.
 *   <li>{@code /map/state}: the spaces and their counts, see {@link LeaseMapQueries#state}.
 *   <li>{@code /map/blocks?family=&from=&to=&cells=}: block counts, see {@link LeaseMapQueries#blocks}.
 *   <li>{@code /map/events}: every lease, then every change, as server-sent events, see
 *       {@link LeaseMapWatcher}; at most {@link #MAX_VIEWERS} open at once.
 * </ul>
 */
public final class LeaseMapPage {

    /** Browsers following the map at once; one more gets 503. */
    public static final int MAX_VIEWERS = 32;

    private LeaseMapPage() {}

    public static WebPages pages(LeaseServices services, InstantSource clock) {
        LeaseMapQueries queries = new LeaseMapQueries(services.index(), services::ready, clock);
        return new WebPages()
                .resource("/", LeaseMapPage.class, "index.html", "text/html; charset=utf-8")
                .resource("/map.js", LeaseMapPage.class, "map.js", "text/javascript; charset=utf-8")
                .resource("/map.css", LeaseMapPage.class, "map.css", "text/css; charset=utf-8")
                .query(
                        "/map/state",
                        query -> OperatorHttp.Answer.json(queries.state().encode()))
                .query(
                        "/map/blocks",
                        query -> OperatorHttp.Answer.json(queries.blocks(query).encode()))
                .events(
                        "/map/events",
                        (query, sink) -> new LeaseMapWatcher(
                                        sink,
                                        services.watchHub(),
                                        () -> new LeaseMapJson(services.index().config(), services::howChosen))
                                .start())
                .streamLimit(MAX_VIEWERS);
    }
}

package io.fulmen.internal;

import io.fulmen.data.DataLoader;
import org.apiguardian.api.API;

import java.util.List;

/** The default of the several-loader hooks: the one loader, or none. Nothing here is API. */
@API(status = API.Status.INTERNAL, since = "0.3.0")
public final class DataLoaderLists {
    private DataLoaderLists() {}

    /** {@code [loader]}, or an empty list when it is null. */
    public static List<DataLoader> single(DataLoader loader) {
        return loader == null ? List.of() : List.of(loader);
    }
}

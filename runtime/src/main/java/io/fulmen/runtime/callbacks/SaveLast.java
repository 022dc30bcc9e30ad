package io.fulmen.runtime.callbacks;

/** Lightning's {@code save_last}: {@code None}, {@code True} (a full copy) or {@code "link"}. */
enum SaveLast {
    OFF("None"), COPY("True"), LINK("'link'");

    private final String pyRepr;

    SaveLast(String pyRepr) {
        this.pyRepr = pyRepr;
    }

    /** Python's repr of the argument, as {@link ModelCheckpoint#toString()} shows it. */
    String pyRepr() {
        return pyRepr;
    }
}

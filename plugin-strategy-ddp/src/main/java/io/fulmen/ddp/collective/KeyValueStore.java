package io.fulmen.ddp.collective;

/** The store Gloo's rendezvous calls back into (from the native shim) when it is not a FileStore. */
interface KeyValueStore {

    /** Sets {@code key} to {@code value}. */
    void set(String key, byte[] value);

    /** @return the value of {@code key}, waiting up to {@code timeoutMs} for it to be set */
    byte[] get(String key, long timeoutMs);

    /** Waits up to {@code timeoutMs} until every key is set. */
    void await(String[] keys, long timeoutMs);
}

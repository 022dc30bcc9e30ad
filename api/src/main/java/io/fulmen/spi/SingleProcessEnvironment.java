package io.fulmen.spi;

/** {@link ClusterEnvironment#singleProcess()}. */
enum SingleProcessEnvironment implements ClusterEnvironment {
    INSTANCE;

    @Override
    public String toString() {
        return "single process";
    }

    @Override
    public boolean createsProcessesExternally() {
        return false;
    }

    @Override
    public String mainAddress() {
        return "127.0.0.1";
    }

    @Override
    public int mainPort() {
        return 0;
    }

    @Override
    public int worldSize() {
        return 1;
    }

    @Override
    public int globalRank() {
        return 0;
    }

    @Override
    public int localRank() {
        return 0;
    }

    @Override
    public int nodeRank() {
        return 0;
    }
}

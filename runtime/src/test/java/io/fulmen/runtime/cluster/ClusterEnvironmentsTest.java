package io.fulmen.runtime.cluster;

import io.fulmen.spi.ClusterEnvironment;
import io.fulmen.spi.ClusterEnvironmentProvider;
import io.fulmen.spi.ProviderContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterEnvironmentsTest {
    private static final List<ClusterEnvironmentProvider> ALL = List.of(new LightningEnvironmentProvider(),
            new TorchElasticEnvironmentProvider(), new SlurmEnvironmentProvider());

    private static ProviderContext devices(int devices, int nodes) {
        return ProviderContext.of(Path.of("unused")).withNumNodes(nodes).withAccelerator("cpu", devices);
    }

    @Test
    void withoutVariablesThisIsRankZeroOfLightningsLocalLaunch() {
        ClusterEnvironment env = ClusterEnvironments.detect(ALL, Map.of(), devices(2, 1));
        assertEquals("lightning", env.name());
        assertFalse(env.createsProcessesExternally());
        assertEquals(2, env.worldSize());
        assertEquals(0, env.globalRank());
        assertEquals("127.0.0.1", env.mainAddress());
        int port = env.mainPort();
        assertTrue(port > 0 && port <= 65535);
        assertEquals(port, env.mainPort(), "the free port is chosen once");
    }

    @Test
    void lightningReadsNodeRankAndTheVariablesItsLauncherSets() {
        ClusterEnvironment parent = ClusterEnvironments.detect(ALL, Map.of("NODE_RANK", "1", "MASTER_PORT", "1234",
                "MASTER_ADDR", "head"), devices(2, 2));
        assertEquals(4, parent.worldSize());
        assertEquals(2, parent.globalRank());
        assertEquals(1, parent.nodeRank());
        assertEquals("head:1234", parent.mainAddress() + ":" + parent.mainPort());
        ClusterEnvironment child = new LightningEnvironmentProvider().create(Map.of("LOCAL_RANK", "1", "NODE_RANK",
                "1", "MASTER_PORT", "1234"), devices(2, 2));
        assertTrue(child.createsProcessesExternally());
        assertEquals(3, child.globalRank());
    }

    @Test
    void torchrunVariablesAreDetectedAndRead() {
        Map<String, String> env = Map.of("MASTER_ADDR", "10.0.0.1", "MASTER_PORT", "29500", "WORLD_SIZE", "8",
                "RANK", "5", "LOCAL_RANK", "1", "GROUP_RANK", "2");
        ClusterEnvironment e = ClusterEnvironments.detect(ALL, env, devices(1, 1));
        assertEquals("torchelastic", e.name());
        assertTrue(e.createsProcessesExternally());
        assertEquals(List.of(8, 5, 1, 2, 29500), List.of(e.worldSize(), e.globalRank(), e.localRank(), e.nodeRank(),
                e.mainPort()));
        assertEquals("10.0.0.1", e.mainAddress());
        assertFalse(new TorchElasticEnvironmentProvider().detect(Map.of("RANK", "0", "WORLD_SIZE", "2")));
    }

    @Test
    void slurmTasksAreDetectedWithTheFirstHostOfTheNodeListAsMain() {
        Map<String, String> env = Map.of("SLURM_NTASKS", "4", "SLURM_PROCID", "3", "SLURM_LOCALID", "1",
                "SLURM_NODEID", "1", "SLURM_NODELIST", "gpu[007-010,12],cpu1", "SLURM_JOB_ID", "1234567",
                "SLURM_JOB_NAME", "train");
        ClusterEnvironment e = ClusterEnvironments.detect(ALL, env, devices(2, 2));
        assertEquals("slurm", e.name());
        assertEquals(List.of(4, 3, 1, 1), List.of(e.worldSize(), e.globalRank(), e.localRank(), e.nodeRank()));
        assertEquals("gpu007", e.mainAddress());
        assertEquals(14567, e.mainPort());
        assertEquals("a", SlurmEnvironmentProvider.firstHost("a,b"));
        assertEquals("node1", SlurmEnvironmentProvider.firstHost("node1"));
    }

    @Test
    void slurmPrefersMasterAddressAndIgnoresInteractiveShells() {
        Map<String, String> env = Map.of("SLURM_NTASKS", "2", "SLURM_PROCID", "0", "MASTER_ADDR", "head",
                "MASTER_PORT", "4000");
        ClusterEnvironment e = new SlurmEnvironmentProvider().create(env, devices(1, 1));
        assertEquals("head:4000", e.mainAddress() + ":" + e.mainPort());
        assertFalse(new SlurmEnvironmentProvider().detect(Map.of("SLURM_NTASKS", "2", "SLURM_PROCID", "0",
                "SLURM_JOB_NAME", "bash")));
    }

    @Test
    void malformedVariablesFailNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterEnvironments.detect(
                ALL, Map.of("MASTER_ADDR", "h", "MASTER_PORT", "x", "WORLD_SIZE", "2", "RANK", "0", "LOCAL_RANK",
                        "0"), devices(1, 1)));
        assertTrue(e.getMessage().contains("MASTER_PORT='x'"), e.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class, () ->
                new TorchElasticEnvironmentProvider().create(Map.of("MASTER_ADDR", "h", "MASTER_PORT", "1",
                        "WORLD_SIZE", "2", "RANK", "2", "LOCAL_RANK", "0"), devices(1, 1)));
        assertTrue(outside.getMessage().contains("rank 2"), outside.getMessage());
    }
}

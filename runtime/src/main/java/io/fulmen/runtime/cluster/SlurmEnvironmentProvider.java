package io.fulmen.runtime.cluster;

import io.fulmen.spi.ClusterEnvironment;
import io.fulmen.spi.ClusterEnvironmentProvider;
import io.fulmen.spi.ProviderContext;
import org.apiguardian.api.API;

import java.util.Map;
import java.util.Set;

/**
 * A SLURM job step with one task per process (Lightning's {@code SLURMEnvironment}): ranks from
 * {@code SLURM_PROCID}, {@code SLURM_NTASKS}, {@code SLURM_LOCALID} and {@code SLURM_NODEID}; the main address
 * from {@code MASTER_ADDR}, else the first host of {@code SLURM_NODELIST}; the port from {@code MASTER_PORT}, else
 * 10000 plus the last four digits of {@code SLURM_JOB_ID} (Lightning's rule), else 12910. Interactive allocations
 * ({@code SLURM_JOB_NAME} bash or interactive) are not detected: there the processes are not SLURM's tasks.
 */
@API(status = API.Status.INTERNAL, since = "0.2.0")
public final class SlurmEnvironmentProvider implements ClusterEnvironmentProvider {
    private static final Set<String> INTERACTIVE = Set.of("bash", "interactive");

    @Override
    public String name() {
        return "slurm";
    }

    @Override
    public String description() {
        return "a SLURM job step, one task per process (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID, SLURM_NODEID)";
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public boolean detect(Map<String, String> env) {
        EnvVars v = new EnvVars(env);
        return v.has("SLURM_NTASKS") && v.has("SLURM_PROCID") && !INTERACTIVE.contains(v.string("SLURM_JOB_NAME", ""));
    }

    @Override
    public ClusterEnvironment create(Map<String, String> env, ProviderContext context) {
        EnvVars v = new EnvVars(env);
        String address = v.has("MASTER_ADDR") ? v.string("MASTER_ADDR", null)
                : firstHost(v.string("SLURM_NODELIST", v.string("SLURM_JOB_NODELIST", "127.0.0.1")));
        int port = v.has("MASTER_PORT") ? v.port("MASTER_PORT", 0) : defaultPort(v);
        return new Ranks(name(), true, address, port, v.integer("SLURM_NTASKS"), v.integer("SLURM_PROCID"),
                v.integer("SLURM_LOCALID", 0), v.integer("SLURM_NODEID", 0));
    }

    private static int defaultPort(EnvVars v) {
        String job = v.string("SLURM_JOB_ID", "");
        if (job.isEmpty() || !job.chars().allMatch(Character::isDigit)) {
            return 12910;
        }
        return 10000 + Integer.parseInt(job.substring(Math.max(0, job.length() - 4)));
    }

    /**
     * The first host of a SLURM node list: {@code "node[007-010,12],gpu1"} gives {@code "node007"},
     * {@code "a,b"} gives {@code "a"}.
     */
    static String firstHost(String nodeList) {
        String list = nodeList.trim();
        int bracket = list.indexOf('[');
        int comma = list.indexOf(',');
        if (bracket < 0 || (comma >= 0 && comma < bracket)) {
            return comma < 0 ? list : list.substring(0, comma);
        }
        int end = list.indexOf(']', bracket);
        if (end < 0) {
            throw new IllegalArgumentException("SLURM_NODELIST '" + nodeList + "' has an unclosed '['");
        }
        String first = list.substring(bracket + 1, end).split(",")[0];
        int dash = first.indexOf('-');
        return list.substring(0, bracket) + (dash < 0 ? first : first.substring(0, dash));
    }
}

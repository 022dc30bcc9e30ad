package io.fulmen.runtime.loop;

import ai.djl.training.dataset.Batch;

/** The three transfer hooks, in Lightning's order. */
final class BatchTransfer {
    private BatchTransfer() {}

    static Batch toDevice(RunContext run, Batch batch, int dataloaderIdx) {
        Batch b = run.module.onBeforeBatchTransfer(batch, dataloaderIdx);
        b = run.module.transferBatchToDevice(b, run.device, dataloaderIdx);
        return run.module.onAfterBatchTransfer(b, dataloaderIdx);
    }
}

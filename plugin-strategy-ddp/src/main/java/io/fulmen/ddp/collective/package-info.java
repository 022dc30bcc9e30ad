/**
 * Collective operations (all-reduce, broadcast, all-gather, barrier) among processes, on Gloo through a JNI shim:
 * {@link io.fulmen.ddp.collective.Collectives#connect} forms a group.
 */
package io.fulmen.ddp.collective;

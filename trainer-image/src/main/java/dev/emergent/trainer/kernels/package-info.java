/**
 * Fused elementwise and row passes of the training step: each reads and writes its arrays once,
 * where the same arithmetic as a chain of ND4J ops costs one pass over memory per op. Every kernel
 * has a scalar reference (any data type; the one the gradient checks exercise in double precision)
 * and, for float arrays, a version on the Vector API ({@code jdk.incubator.vector}, which the
 * trainer's JVMs are started with) that must agree with it.
 */
package dev.emergent.trainer.kernels;

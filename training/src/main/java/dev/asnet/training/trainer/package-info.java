/**
 * The trainer: epochs of training steps with a learning-rate schedule, test-set evaluation,
 * metrics, atomic checkpoints with exact resume, the exported inference model and charts.
 */
package dev.asnet.training.trainer;

package io.fulmen.metrics;

/** The kind of classification problem a metric scores. */
enum Task {
    /** One score or label per sample; class 1 is the positive class. */
    BINARY,
    /** One class of {@code numClasses} per sample; predictions are scores {@code [N, C]} or class indices. */
    MULTICLASS,
    /** Any subset of {@code numLabels} labels per sample; predictions and targets are {@code [N, L]}. */
    MULTILABEL
}

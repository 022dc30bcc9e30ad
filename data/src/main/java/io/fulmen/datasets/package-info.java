/**
 * Dataset readers that load files into the api's in-memory {@link io.fulmen.data.TensorDataset}, ready for a
 * {@link io.fulmen.data.DataLoader} and for {@link io.fulmen.data.TensorDataset#randomSplit(long, long...)}:
 *
 * <ul>
 *   <li>{@link io.fulmen.datasets.IdxReader}: the IDX files of MNIST and Fashion-MNIST, plain or gzipped;</li>
 *   <li>{@link io.fulmen.datasets.CsvDataset}: a numeric CSV file with a header row, one column as the label;</li>
 *   <li>{@link io.fulmen.datasets.ImageFolder}: torchvision's {@code ImageFolder} layout,
 *       {@code root/<class>/<image>}.</li>
 * </ul>
 *
 * <p>Every reader loads the whole dataset into memory. Files that cannot be used are reported as a
 * {@link io.fulmen.datasets.DatasetFormatException} naming the file and what is wrong. This package needs
 * {@code fulmen-api} only, not the runtime.
 */
package io.fulmen.datasets;

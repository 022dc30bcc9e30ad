/**
 * Python's text formatting for Java values, so that what Fulmen writes (checkpoint names, log lines, CSV and
 * YAML files, MLflow params) reads exactly like what Lightning writes:
 *
 * <ul>
 *   <li>{@link io.fulmen.pyformat.PyFormat}: {@code str.format} templates such as
 *       {@code "{epoch:02d}-{val_loss:.2f}"};</li>
 *   <li>{@link io.fulmen.pyformat.PyFormatSpec}: the format-spec mini-language and the built-in
 *       {@code format(value, spec)};</li>
 *   <li>{@link io.fulmen.pyformat.PyRepr}: {@code repr()}, {@code str()} and {@code ascii()}, including the
 *       shortest round-trip {@code repr} of a float;</li>
 *   <li>{@link io.fulmen.pyformat.PyTimedelta}: {@code str()} and {@code repr()} of a {@code timedelta}.</li>
 * </ul>
 *
 * <p>The reference is CPython 3.11: the tests compare every class with a table of cases that CPython generated
 * ({@code api/src/test/resources/pyformat/generate.py}). Floats round their exact binary value half-even, as
 * Python does; Java's own {@code String.format} rounds the shortest decimal half-up and so differs at ties such
 * as {@code 0.125}. The {@code n} type formats as in the C locale. Errors are {@link IllegalArgumentException}s
 * carrying Python's message.
 *
 * <p>This package lives in {@code fulmen-api} so that plugins, which see only that module, format the same way as
 * the runtime.
 */
package io.fulmen.pyformat;

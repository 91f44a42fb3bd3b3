package dev.asnet.spark;

import dev.asnet.runtime.vision.Prediction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * What each task runs over its partition: takes the rows in batches, classifies each batch with
 * the executor's shared model, and appends the prediction columns to each row. Serialized into
 * every task, so it holds only the small settings and the broadcast handle, never the model bytes.
 */
final class PartitionClassifier implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> modelBytes;
    private final ModelKey key;
    private final OutputLayout layout;
    private final int inputIndex;
    private final int sourceIndex;
    private final int batchSize;
    private final boolean failOnError;

    /**
     * @param modelBytes the model, broadcast once by the driver
     * @param key the model and session settings
     * @param layout which prediction columns the rows get
     * @param inputIndex the input column's position in the rows
     * @param sourceIndex the position of the column naming each row in messages, or -1
     * @param batchSize rows per model call
     * @param failOnError whether a row that cannot be classified fails the task
     */
    PartitionClassifier(Broadcast<byte[]> modelBytes, ModelKey key, OutputLayout layout, int inputIndex,
            int sourceIndex, int batchSize, boolean failOnError) {
        this.modelBytes = modelBytes;
        this.key = key;
        this.layout = layout;
        this.inputIndex = inputIndex;
        this.sourceIndex = sourceIndex;
        this.batchSize = batchSize;
        this.failOnError = failOnError;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            // An empty partition opens nothing.
            return rows;
        }
        BatchClassifier classifier = ExecutorModels.get(key, modelBytes::value).classifier;
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private long position;

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && rows.hasNext()) {
                    nextBatch(classifier, rows, ready, position);
                    position += ready.size();
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    private void nextBatch(BatchClassifier classifier, Iterator<Row> rows, ArrayDeque<Row> out, long position) {
        List<Row> batch = new ArrayList<>(batchSize);
        List<BatchClassifier.Input> inputs = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && rows.hasNext()) {
            Row row = rows.next();
            batch.add(row);
            inputs.add(new BatchClassifier.Input(inputValue(row), source(row, position + batch.size() - 1)));
        }
        List<BatchClassifier.Result> results;
        try {
            results = classifier.classify(inputs, layout.topK(), layout.logitsColumn() != null);
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + inputs.size() + " rows: "
                    + e.getMessage(), e);
        }
        for (int i = 0; i < batch.size(); i++) {
            BatchClassifier.Result r = results.get(i);
            if (r.error() != null && failOnError) {
                throw new RowClassificationException(r.error() + " (failOnError is set; unset it to get a null "
                        + "prediction and the message in the error column instead)");
            }
            out.add(withPrediction(batch.get(i), r));
        }
    }

    private Object inputValue(Row row) {
        if (row.isNullAt(inputIndex)) {
            return null;
        }
        Object v = row.get(inputIndex);
        if (v instanceof byte[]) {
            return v;
        }
        List<Object> values = row.getList(inputIndex);
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            Object e = values.get(i);
            // A null element cannot be fed to the model: NaN makes the row fail with a clear message.
            f[i] = e == null ? Float.NaN : ((Number) e).floatValue();
        }
        return f;
    }

    private String source(Row row, long position) {
        if (sourceIndex >= 0 && !row.isNullAt(sourceIndex)) {
            return String.valueOf(row.get(sourceIndex));
        }
        return "row " + position + " of its partition";
    }

    private Row withPrediction(Row row, BatchClassifier.Result r) {
        int in = row.length();
        Object[] values = new Object[in + layout.width()];
        for (int i = 0; i < in; i++) {
            values[i] = row.get(i);
        }
        int c = in;
        boolean ok = r.error() == null;
        Prediction best = ok ? r.best() : null;
        values[c++] = ok ? best.label() : null;
        values[c++] = ok ? best.index() : null;
        values[c++] = ok ? best.probability() : null;
        if (layout.topKColumn() != null) {
            Row[] top = null;
            if (ok) {
                top = new Row[r.top().size()];
                for (int k = 0; k < top.length; k++) {
                    Prediction p = r.top().get(k);
                    top[k] = RowFactory.create(p.index(), p.label(), p.probability());
                }
            }
            values[c++] = top;
        }
        if (layout.logitsColumn() != null) {
            values[c++] = ok ? r.logits() : null;
        }
        values[c] = r.error();
        return RowFactory.create(values);
    }
}

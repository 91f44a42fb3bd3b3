package dev.asnet.spark;

import java.io.Serializable;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns {@link AsnetClassifier} appends, in this order: label, class index, probability,
 * the top-k classes and the logits (each only when named), and the error.
 *
 * @param labelColumn the predicted class's name (string)
 * @param predictionColumn the predicted class's index (int)
 * @param probabilityColumn the predicted class's probability (float)
 * @param topKColumn the {@code topK} most probable classes (array of struct index, label,
 *     probability; most probable first), or null for none
 * @param topK how many classes the top-k column lists (>= 1)
 * @param logitsColumn the model's raw scores (array of float), or null for none
 * @param errorColumn why a row has no prediction (string; null when it has one)
 */
record OutputLayout(String labelColumn, String predictionColumn, String probabilityColumn, String topKColumn,
        int topK, String logitsColumn, String errorColumn) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The element type of the top-k column. */
    static final StructType TOP_K_ELEMENT = new StructType()
            .add("index", DataTypes.IntegerType, false)
            .add("label", DataTypes.StringType, false)
            .add("probability", DataTypes.FloatType, false);

    /**
     * Checks that the names are set and distinct.
     */
    OutputLayout {
        Set<String> names = new LinkedHashSet<>();
        for (String n : new String[] {labelColumn, predictionColumn, probabilityColumn, topKColumn, logitsColumn,
                errorColumn}) {
            if (n != null && !names.add(n)) {
                throw new IllegalArgumentException("two output columns are both named '" + n + "'");
            }
        }
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1, got " + topK);
        }
    }

    /**
     * How many columns are appended.
     *
     * @return the count
     */
    int width() {
        return 4 + (topKColumn != null ? 1 : 0) + (logitsColumn != null ? 1 : 0);
    }

    /**
     * The output schema: the input's columns, then the appended ones.
     *
     * @param input the input schema, which must not have a column of an appended name
     * @return the output schema
     * @throws IllegalArgumentException if an output column exists already
     */
    StructType appendTo(StructType input) {
        StructType out = input;
        out = add(out, labelColumn, DataTypes.StringType);
        out = add(out, predictionColumn, DataTypes.IntegerType);
        out = add(out, probabilityColumn, DataTypes.FloatType);
        if (topKColumn != null) {
            out = add(out, topKColumn, DataTypes.createArrayType(TOP_K_ELEMENT, false));
        }
        if (logitsColumn != null) {
            out = add(out, logitsColumn, DataTypes.createArrayType(DataTypes.FloatType, false));
        }
        return add(out, errorColumn, DataTypes.StringType);
    }

    private static StructType add(StructType schema, String name, org.apache.spark.sql.types.DataType type) {
        for (StructField f : schema.fields()) {
            if (f.name().equalsIgnoreCase(name)) {
                throw new IllegalArgumentException("output column '" + name + "' exists already in the input ("
                        + schema.simpleString() + "): choose another name with its set...Col method, or drop it");
            }
        }
        return schema.add(name, type, true);
    }
}

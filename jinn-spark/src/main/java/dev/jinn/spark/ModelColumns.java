package dev.jinn.spark;

import dev.jinn.model.ConditionEncoding;
import dev.jinn.model.DataTransform;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Where a model's inputs are in the rows of a table: the data columns (in the model's order) and, for a
 * conditional model, the condition column, checked against the table's schema; and how one row's values become
 * the model's inputs. The data columns must be numeric; a categorical condition may be a string, boolean or
 * integral column (its values' text is looked up in the model's categories), a numeric condition must be numeric.
 *
 * @param columns   the data columns' names, in the model's order
 * @param indices   their positions in the schema
 * @param condition the condition column's name, or null
 * @param condIndex its position, or -1
 * @param kind      the kind of the model's condition
 */
record ModelColumns(List<String> columns, int[] indices, String condition, int condIndex, ConditionEncoding.Kind kind)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Finds and checks the columns.
     *
     * @param schema    the table's schema
     * @param transform the model's data transform
     * @param given     the data columns chosen by the user (in the model's column order), or null for the model's
     *                  own column names
     * @param condGiven the condition column chosen by the user, or null for the model's own
     * @param model     the model's name, for messages
     * @return the columns
     * @throws IllegalArgumentException naming the column, the expected and the actual type or count
     */
    static ModelColumns resolve(StructType schema, DataTransform transform, String[] given, String condGiven,
            String model) {
        List<String> names = given == null ? transform.columns() : List.of(given);
        if (names.size() != transform.dims()) {
            throw new IllegalArgumentException("the model " + model + " takes " + transform.dims() + " data columns "
                    + transform.columns() + ", but " + names.size() + " input columns were given: " + names);
        }
        int[] idx = new int[names.size()];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = find(schema, names.get(j), "data column", model);
            DataType t = schema.fields()[idx[j]].dataType();
            if (!(t instanceof NumericType)) {
                throw new IllegalArgumentException("the data column '" + names.get(j) + "' must be numeric (the model "
                        + model + " reads it as its column '" + transform.columns().get(j) + "'), but it is "
                        + t.simpleString());
            }
        }
        ConditionEncoding enc = transform.condition();
        if (enc.kind() == ConditionEncoding.Kind.NONE) {
            if (condGiven != null) {
                throw new IllegalArgumentException("the model " + model + " is unconditional, but the condition"
                        + " column '" + condGiven + "' was given");
            }
            return new ModelColumns(names, idx, null, -1, enc.kind());
        }
        String cond = condGiven == null ? enc.column() : condGiven;
        int ci = find(schema, cond, "condition column", model);
        DataType t = schema.fields()[ci].dataType();
        boolean ok = enc.kind() == ConditionEncoding.Kind.NUMERIC ? t instanceof NumericType
                : t.equals(DataTypes.StringType) || t.equals(DataTypes.BooleanType) || integral(t);
        if (!ok) {
            throw new IllegalArgumentException("the condition column '" + cond + "' must be "
                    + (enc.kind() == ConditionEncoding.Kind.NUMERIC ? "numeric" : "a string, boolean or integer column"
                    + " holding the categories " + enc.categories()) + " for the " + enc.kind().id()
                    + " condition of the model " + model + ", but it is " + t.simpleString());
        }
        return new ModelColumns(names, idx, cond, ci, enc.kind());
    }

    private static boolean integral(DataType t) {
        return t instanceof NumericType && !(t instanceof DecimalType) && !t.equals(DataTypes.DoubleType)
                && !t.equals(DataTypes.FloatType);
    }

    private static int find(StructType schema, String name, String role, String model) {
        String[] names = schema.fieldNames();
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("the " + role + " '" + name + "' of the model " + model
                + " is not in the table; its columns are " + Arrays.toString(names));
    }

    /**
     * Checks that a new column does not clash with the table's.
     *
     * @param schema the table's schema
     * @param name   the column to add
     * @param role   what it is, for the message
     * @throws IllegalArgumentException when the table already has it
     */
    static void requireNew(StructType schema, String name, String role) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                throw new IllegalArgumentException("the " + role + " '" + name + "' is already a column of the table"
                        + " (" + f.dataType().simpleString() + "); choose another name");
            }
        }
    }

    /**
     * Reads one row's data values, or explains why they are not usable.
     *
     * @param row the row
     * @param out the values, in the model's column order
     * @return null when every value is present and finite, else the reason (naming the column)
     */
    String read(Row row, double[] out) {
        for (int j = 0; j < indices.length; j++) {
            if (row.isNullAt(indices[j])) {
                return "the column '" + columns.get(j) + "' is null";
            }
            double v = ((Number) row.get(indices[j])).doubleValue();
            if (!Double.isFinite(v)) {
                return "the column '" + columns.get(j) + "' is " + v;
            }
            out[j] = v;
        }
        return null;
    }

    /**
     * One row's condition value as the text the model's encoding reads (the number's shortest exact decimal for a
     * numeric condition, so it parses back to the same double).
     *
     * @param row the row
     * @return the text, or null when the value is null or not finite
     */
    String conditionText(Row row) {
        if (condIndex < 0) {
            return "";
        }
        if (row.isNullAt(condIndex)) {
            return null;
        }
        Object v = row.get(condIndex);
        if (kind == ConditionEncoding.Kind.NUMERIC) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? Double.toString(d) : null;
        }
        return v.toString();
    }
}

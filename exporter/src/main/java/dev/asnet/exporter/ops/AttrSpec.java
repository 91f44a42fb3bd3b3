package dev.asnet.exporter.ops;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.AttributeType;

/**
 * One attribute an op accepts.
 *
 * @param name the attribute name
 * @param type its type
 * @param required whether a node must set it
 * @param defaultValue the value used when it is not set (null if none)
 */
public record AttrSpec(String name, AttributeType type, boolean required, Attribute defaultValue) {}

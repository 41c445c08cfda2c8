/// The numeric building blocks the models, metrics and readers share, each defined once (one
/// concept per file in this folder), so that every caller computes a value with the same
/// operations in the same order and so gets the same bits.
public enum Numerics {}

//===- Elementwise.cpp - ElementwiseOps.td -> linalg.generic --------------===//
//
// Every elementwise op becomes one linalg.generic over the broadcast result
// shape, whose body is the scalar computation; elementwise fusion merges
// chains of them later in the pipeline.
//
// Conventions of the scalar bodies:
// * The ONNX element type (signedness included) of the first operand picks
//   the float / signed / unsigned form.
// * Transcendental functions and composite activations on f16 / bf16 are
//   computed in f32 and rounded once at the end (inF32).
// * Float -> int conversions never produce LLVM poison for values in the
//   wider integer's range: narrow targets go through i32 / i64 and wrap, as
//   C and numpy do on x86 (convertScalar in ConversionUtils).
//
//===----------------------------------------------------------------------===//

#include "ConversionUtils.h"

#include <cmath>
#include <optional>
#include <string>

using namespace mlir;
using namespace quant_opt;
using namespace quant_opt::lowering;

namespace {

//===----------------------------------------------------------------------===//
// Scalar helpers
//===----------------------------------------------------------------------===//

Value constant(OpBuilder &b, Location loc, Type type, double value) {
  return createScalarConstant(b, loc, type, value);
}

bool isHalfFloat(Type type) { return isa<Float16Type, BFloat16Type>(type); }

/// True for float8 types: they have no arithmetic lowering, only bit tests.
bool isFloat8(Type type) {
  return isa<FloatType>(type) && type.getIntOrFloatBitWidth() == 8;
}

/// Runs `fn` on float scalars, extended to f32 when they are f16 / bf16, and
/// rounds a float result back to the first operand's type. `fn` must build
/// its constants with the type of its operands.
Value inF32(OpBuilder &b, Location loc, ValueRange args,
            function_ref<Value(ValueRange)> fn) {
  Type type = args[0].getType();
  if (!isHalfFloat(type))
    return fn(args);
  SmallVector<Value> wide;
  for (Value arg : args)
    wide.push_back(isHalfFloat(arg.getType())
                       ? arith::ExtFOp::create(b, loc, b.getF32Type(), arg)
                       : arg);
  Value result = fn(wide);
  if (isa<FloatType>(result.getType()))
    return arith::TruncFOp::create(b, loc, type, result);
  return result;
}

/// Element types Cast can convert: f16 / bf16 / f32 / f64, (u)int8-64, bool.
bool isCastable(Type type) {
  if (auto intType = dyn_cast<IntegerType>(type))
    return llvm::is_contained({1u, 8u, 16u, 32u, 64u}, intType.getWidth());
  return isa<Float16Type, BFloat16Type, Float32Type, Float64Type>(type);
}

/// a - b * floor(a / b) for an already computed C remainder `rem` of a / b:
/// the remainder with the divisor's sign (ONNX Mod fmod = 0, numpy mod).
Value remainderWithDivisorSign(OpBuilder &b, Location loc, Value rem,
                               Value divisor, bool isFloat) {
  Value zero = constant(b, loc, rem.getType(), 0.0);
  Value nonZero, remNegative, divisorNegative, adjusted;
  if (isFloat) {
    nonZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, rem,
                                    zero);
    remNegative =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, rem, zero);
    divisorNegative = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                            divisor, zero);
    adjusted = arith::AddFOp::create(b, loc, rem, divisor);
  } else {
    nonZero =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rem, zero);
    remNegative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rem, zero);
    divisorNegative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                            divisor, zero);
    adjusted = arith::AddIOp::create(b, loc, rem, divisor);
  }
  Value signsDiffer =
      arith::XOrIOp::create(b, loc, remNegative, divisorNegative);
  Value fix = arith::AndIOp::create(b, loc, nonZero, signsDiffer);
  return arith::SelectOp::create(b, loc, fix, adjusted, rem);
}

/// C pow for floats of one type: powf(|x|, y), negated for a negative base
/// and an odd integer exponent, NaN for a negative base and a non-integer
/// exponent. Independent of how the pipeline expands math.powf.
Value floatPow(OpBuilder &b, Location loc, Value x, Value y) {
  Type type = x.getType();
  Value zero = constant(b, loc, type, 0.0);
  Value half = constant(b, loc, type, 0.5);
  Value magnitude = math::PowFOp::create(b, loc, math::AbsFOp::create(b, loc, x), y);
  Value yFloor = math::FloorOp::create(b, loc, y);
  Value isInteger =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, yFloor, y);
  Value yHalf = arith::MulFOp::create(b, loc, y, half);
  Value isOdd = arith::AndIOp::create(
      b, loc, isInteger,
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE,
                            math::FloorOp::create(b, loc, yHalf), yHalf));
  Value negativeBase =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  Value nan = arith::ConstantOp::create(
      b, loc,
      b.getFloatAttr(type, APFloat::getNaN(cast<FloatType>(type).getFloatSemantics())));
  Value negated = arith::NegFOp::create(b, loc, magnitude);
  Value forNegative = arith::SelectOp::create(
      b, loc, isInteger,
      arith::SelectOp::create(b, loc, isOdd, negated, magnitude), nan);
  return arith::SelectOp::create(b, loc, negativeBase, forNegative, magnitude);
}

/// x^e for signless ints of one width with wrapping multiplication, by
/// square-and-multiply unrolled over every exponent bit (branch-free, so it
/// vectorizes; the CPU pipeline has no lowering of math.ipowi). A negative
/// exponent gives 1 / x^-e truncated: 1 for x = 1, +-1 for x = -1, else 0
/// (0 also for x = 0, where ONNX leaves the result undefined).
Value intPow(OpBuilder &b, Location loc, Value x, Value e) {
  Type type = x.getType();
  unsigned width = type.getIntOrFloatBitWidth();
  Value zero = constant(b, loc, type, 0), one = constant(b, loc, type, 1);
  Value minusOne = constant(b, loc, type, -1);
  auto eq = [&](Value l, Value r) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, l, r);
  };
  Value result = one, power = x;
  for (unsigned bit = 0; bit < width; ++bit) {
    Value mask = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(type, APInt::getOneBitSet(width, bit)));
    Value set = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                      arith::AndIOp::create(b, loc, e, mask),
                                      zero);
    result = arith::SelectOp::create(
        b, loc, set, arith::MulIOp::create(b, loc, result, power), result);
    if (bit + 1 < width)
      power = arith::MulIOp::create(b, loc, power, power);
  }
  Value odd = eq(arith::AndIOp::create(b, loc, e, one), one);
  Value forMinusOne = arith::SelectOp::create(b, loc, odd, minusOne, one);
  Value forNegative = arith::SelectOp::create(
      b, loc, eq(x, one), one,
      arith::SelectOp::create(b, loc, eq(x, minusOne), forMinusOne, zero));
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, e, zero);
  return arith::SelectOp::create(b, loc, negative, forNegative, result);
}

/// ONNX Pow: the result has the base's type; the exponent may differ.
Value powScalar(OpBuilder &b, Location loc, Value x, Value y, Type xType,
                Type yType) {
  Type f32 = b.getF32Type(), f64 = b.getF64Type();
  if (isa<FloatType>(xType) && isa<IntegerType>(yType)) {
    // Float ^ int: math.fpowi in f64 (powi multiplies; f64 keeps the f32
    // result correctly rounded) with an i32 exponent, clamped.
    Value base = convertScalar(b, loc, x, xType, f64);
    Value exponent;
    if (yType.getIntOrFloatBitWidth() == 64 ||
        (yType.getIntOrFloatBitWidth() == 32 && isUnsignedInt(yType))) {
      Value wide = convertScalar(b, loc, y, yType, b.getIntegerType(64));
      Value lo = constant(b, loc, wide.getType(), INT32_MIN);
      Value hi = constant(b, loc, wide.getType(), INT32_MAX);
      if (!isUnsignedInt(yType))
        wide = arith::MaxSIOp::create(b, loc, wide, lo);
      if (isUnsignedInt(yType))
        wide = arith::MinUIOp::create(b, loc, wide, hi);
      else
        wide = arith::MinSIOp::create(b, loc, wide, hi);
      exponent = arith::TruncIOp::create(b, loc, b.getI32Type(), wide);
    } else {
      exponent = convertScalar(b, loc, y, yType, b.getIntegerType(32));
    }
    Value result = math::FPowIOp::create(b, loc, base, exponent);
    return convertScalar(b, loc, result, f64, xType);
  }
  if (isa<FloatType>(xType)) {
    // Float ^ float: in the wider type, at least f32.
    Type compute = (xType.isF64() || yType.isF64()) ? f64 : f32;
    Value result = floatPow(b, loc, convertScalar(b, loc, x, xType, compute),
                            convertScalar(b, loc, y, yType, compute));
    return convertScalar(b, loc, result, compute, xType);
  }
  if (isa<FloatType>(yType)) {
    // Int ^ float: numpy computes in f64 and the cast truncates.
    Value result = floatPow(b, loc, convertScalar(b, loc, x, xType, f64),
                            convertScalar(b, loc, y, yType, f64));
    return convertScalar(b, loc, result, f64, xType);
  }
  // Int ^ int: exact (wrapping) integer power in the base's width.
  return intPow(b, loc, x, convertScalar(b, loc, y, yType, xType));
}

//===----------------------------------------------------------------------===//
// The generic elementwise pattern
//===----------------------------------------------------------------------===//

/// Lowers an elementwise op with one result to one linalg.generic over the
/// broadcast of its tensor operands (absent optional ones skipped). The body
/// sees the operand elements, the ONNX element type of the first operand and
/// the op (for attributes). `check` rejects unsupported attribute values
/// with a message before anything is built.
template <typename OnnxOp>
struct ElementwiseLowering : OpConversionPattern<OnnxOp> {
  using Body =
      std::function<Value(OpBuilder &, Location, ValueRange, Type, OnnxOp)>;
  using Check = std::function<std::optional<std::string>(OnnxOp)>;

  ElementwiseLowering(const TypeConverter &converter, MLIRContext *context,
                      Body body, Check check, unsigned maxOperands)
      : OpConversionPattern<OnnxOp>(converter, context), body(std::move(body)),
        check(std::move(check)), maxOperands(maxOperands) {}

  LogicalResult
  matchAndRewrite(OnnxOp op, typename OnnxOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (check) {
      if (std::optional<std::string> problem = check(op)) {
        op.emitError() << *problem;
        return rewriter.notifyMatchFailure(op, *problem);
      }
    }
    auto resultType = getConvertedType(*this->getTypeConverter(),
                                       op->getResult(0), rewriter, op);
    if (failed(resultType))
      return failure();
    SmallVector<Value> operands;
    for (auto [original, converted] :
         llvm::zip(op->getOperands(), adaptor.getOperands())) {
      if (operands.size() == maxOperands)
        break;
      if (onnx::isNoValue(original))
        continue;
      auto type = dyn_cast<RankedTensorType>(converted.getType());
      if (!type)
        return rewriter.notifyMatchFailure(op, "unranked operand");
      if (type.getRank() > resultType->getRank())
        return rewriter.notifyMatchFailure(
            op, "operand of higher rank than the result");
      operands.push_back(converted);
    }
    Type onnxElementType = onnx::elementTypeOf(op->getOperand(0));
    Value result = buildBroadcastGeneric(
        rewriter, op.getLoc(), *resultType, operands,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return body(b, loc, args, onnxElementType, op);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  Body body;
  Check check;
  unsigned maxOperands;
};

template <typename OnnxOp>
void addElementwise(const TypeConverter &converter,
                    RewritePatternSet &patterns,
                    typename ElementwiseLowering<OnnxOp>::Body body,
                    typename ElementwiseLowering<OnnxOp>::Check check = {},
                    unsigned maxOperands = ~0u) {
  patterns.add<ElementwiseLowering<OnnxOp>>(converter, patterns.getContext(),
                                            std::move(body), std::move(check),
                                            maxOperands);
}

/// A binary op whose float, signed and unsigned forms are single arith ops.
template <typename OnnxOp, typename FloatOp, typename SignedOp,
          typename UnsignedOp = SignedOp>
void addBinaryArith(const TypeConverter &converter,
                    RewritePatternSet &patterns) {
  addElementwise<OnnxOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         auto) -> Value {
        if (isa<FloatType>(type))
          return FloatOp::create(b, loc, args[0], args[1]);
        if (isUnsignedInt(type))
          return UnsignedOp::create(b, loc, args[0], args[1]);
        return SignedOp::create(b, loc, args[0], args[1]);
      });
}

/// A variadic op folding its operands left to right with a binary arith op
/// of the float / signed / unsigned form (f16 / bf16 accumulate in f32).
template <typename OnnxOp, typename FloatOp, typename SignedOp,
          typename UnsignedOp>
void addVariadic(const TypeConverter &converter, RewritePatternSet &patterns,
                 bool mean = false) {
  addElementwise<OnnxOp>(
      converter, patterns,
      [mean](OpBuilder &b, Location loc, ValueRange args, Type type,
             auto) -> Value {
        if (isa<FloatType>(type))
          return inF32(b, loc, args, [&](ValueRange x) -> Value {
            Value acc = x[0];
            for (Value next : x.drop_front())
              acc = FloatOp::create(b, loc, acc, next);
            if (mean)
              acc = arith::DivFOp::create(
                  b, loc, acc, constant(b, loc, acc.getType(), x.size()));
            return acc;
          });
        Value acc = args[0];
        for (Value next : args.drop_front())
          acc = isUnsignedInt(type)
                    ? UnsignedOp::create(b, loc, acc, next).getResult()
                    : SignedOp::create(b, loc, acc, next).getResult();
        return acc;
      });
}

/// A float op that is one math op on its operand.
template <typename OnnxOp, typename MathOp>
void addFloatMath(const TypeConverter &converter,
                  RewritePatternSet &patterns) {
  addElementwise<OnnxOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type, auto) -> Value {
        return inF32(b, loc, args, [&](ValueRange x) -> Value {
          return MathOp::create(b, loc, x[0]);
        });
      });
}

/// A float op whose body is `fn(b, loc, x, op)` on one f32 / f64 scalar.
template <typename OnnxOp>
void addFloatUnary(
    const TypeConverter &converter, RewritePatternSet &patterns,
    std::function<Value(OpBuilder &, Location, Value, OnnxOp)> fn,
    typename ElementwiseLowering<OnnxOp>::Check check = {}) {
  addElementwise<OnnxOp>(
      converter, patterns,
      [fn](OpBuilder &b, Location loc, ValueRange args, Type,
           OnnxOp op) -> Value {
        return inF32(b, loc, args,
                     [&](ValueRange x) -> Value { return fn(b, loc, x[0], op); });
      },
      std::move(check));
}

/// A comparison with a bool result.
template <typename OnnxOp>
void addCompare(const TypeConverter &converter, RewritePatternSet &patterns,
                arith::CmpFPredicate floatPredicate,
                arith::CmpIPredicate signedPredicate,
                arith::CmpIPredicate unsignedPredicate) {
  addElementwise<OnnxOp>(
      converter, patterns,
      [=](OpBuilder &b, Location loc, ValueRange args, Type type,
          auto) -> Value {
        if (isa<FloatType>(type))
          return arith::CmpFOp::create(b, loc, floatPredicate, args[0],
                                       args[1]);
        return arith::CmpIOp::create(
            b, loc, isUnsignedInt(type) ? unsignedPredicate : signedPredicate,
            args[0], args[1]);
      });
}

float attr(const APFloat &value) { return value.convertToFloat(); }

//===----------------------------------------------------------------------===//
// Clip: optional scalar bounds
//===----------------------------------------------------------------------===//

/// Clip -> one linalg.generic over the input; present bounds are extracted
/// as scalars first (min applied before max, as numpy.clip).
struct ClipLowering : OpConversionPattern<onnx::ClipOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(onnx::ClipOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        getConvertedType(*getTypeConverter(), op.getOutput(), rewriter, op);
    if (failed(resultType))
      return failure();
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    if (!isa<RankedTensorType>(input.getType()))
      return rewriter.notifyMatchFailure(op, "unranked input");
    Type type = onnx::elementTypeOf(op.getInput());
    Value bounds[2];
    Value originals[2] = {op.getMin(), op.getMax()};
    Value converted[2] = {adaptor.getMin(), adaptor.getMax()};
    for (int i = 0; i < 2; ++i) {
      if (onnx::isNoValue(originals[i]))
        continue;
      auto boundType = dyn_cast<RankedTensorType>(converted[i].getType());
      if (!boundType)
        return rewriter.notifyMatchFailure(op, "unranked bound");
      if (boundType.hasStaticShape() && boundType.getNumElements() != 1) {
        op.emitError() << "Clip " << (i == 0 ? "min" : "max")
                       << " must be a scalar, got " << boundType;
        return rewriter.notifyMatchFailure(op, "non-scalar bound");
      }
      SmallVector<Value> zeros(boundType.getRank(),
                               arith::ConstantIndexOp::create(rewriter, loc, 0));
      bounds[i] =
          tensor::ExtractOp::create(rewriter, loc, converted[i], zeros);
    }
    bool isFloat = isa<FloatType>(type), isUnsigned = isUnsignedInt(type);
    Value result = buildBroadcastGeneric(
        rewriter, loc, *resultType, {input},
        [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          Value x = args[0];
          if (Value lo = bounds[0]) {
            if (isFloat)
              x = arith::MaximumFOp::create(b, nloc, x, lo);
            else if (isUnsigned)
              x = arith::MaxUIOp::create(b, nloc, x, lo);
            else
              x = arith::MaxSIOp::create(b, nloc, x, lo);
          }
          if (Value hi = bounds[1]) {
            if (isFloat)
              x = arith::MinimumFOp::create(b, nloc, x, hi);
            else if (isUnsigned)
              x = arith::MinUIOp::create(b, nloc, x, hi);
            else
              x = arith::MinSIOp::create(b, nloc, x, hi);
          }
          return x;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Op groups
//===----------------------------------------------------------------------===//

void populateArithmetic(const TypeConverter &converter,
                        RewritePatternSet &patterns) {
  addBinaryArith<onnx::AddOp, arith::AddFOp, arith::AddIOp>(converter,
                                                            patterns);
  addBinaryArith<onnx::SubOp, arith::SubFOp, arith::SubIOp>(converter,
                                                            patterns);
  addBinaryArith<onnx::MulOp, arith::MulFOp, arith::MulIOp>(converter,
                                                            patterns);
  addBinaryArith<onnx::DivOp, arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(
      converter, patterns);

  addElementwise<onnx::PowOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type,
         onnx::PowOp op) -> Value {
        return powScalar(b, loc, args[0], args[1],
                         onnx::elementTypeOf(op.getX()),
                         onnx::elementTypeOf(op.getY()));
      });

  addElementwise<onnx::ModOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         onnx::ModOp op) -> Value {
        bool cFmod = op.getFmod() == 1;
        if (isa<FloatType>(type))
          return inF32(b, loc, args, [&](ValueRange x) -> Value {
            Value rem = arith::RemFOp::create(b, loc, x[0], x[1]);
            return cFmod ? rem
                         : remainderWithDivisorSign(b, loc, rem, x[1], true);
          });
        if (isUnsignedInt(type))
          return arith::RemUIOp::create(b, loc, args[0], args[1]);
        Value rem = arith::RemSIOp::create(b, loc, args[0], args[1]);
        return cFmod ? rem
                     : remainderWithDivisorSign(b, loc, rem, args[1], false);
      },
      [](onnx::ModOp op) -> std::optional<std::string> {
        if (op.getFmod() > 1)
          return "Mod: unsupported fmod=" +
                 std::to_string(static_cast<int64_t>(op.getFmod())) +
                 " (must be 0 or 1)";
        return std::nullopt;
      });

  addElementwise<onnx::BitShiftOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         onnx::BitShiftOp op) -> Value {
        // Shifting by the width or more gives 0 (LLVM would give poison).
        Value shifted =
            op.getDirection() == "LEFT"
                ? arith::ShLIOp::create(b, loc, args[0], args[1]).getResult()
                : arith::ShRUIOp::create(b, loc, args[0], args[1]).getResult();
        Type intType = args[0].getType();
        Value width =
            constant(b, loc, intType, intType.getIntOrFloatBitWidth());
        Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                              args[1], width);
        return arith::SelectOp::create(b, loc, inRange, shifted,
                                       constant(b, loc, intType, 0));
      },
      [](onnx::BitShiftOp op) -> std::optional<std::string> {
        if (op.getDirection() != "LEFT" && op.getDirection() != "RIGHT")
          return "BitShift: unsupported direction=\"" +
                 op.getDirection().str() + "\" (must be LEFT or RIGHT)";
        return std::nullopt;
      });

  addVariadic<onnx::MaxOp, arith::MaximumFOp, arith::MaxSIOp, arith::MaxUIOp>(
      converter, patterns);
  addVariadic<onnx::MinOp, arith::MinimumFOp, arith::MinSIOp, arith::MinUIOp>(
      converter, patterns);
  addVariadic<onnx::SumOp, arith::AddFOp, arith::AddIOp, arith::AddIOp>(
      converter, patterns);
  addVariadic<onnx::MeanOp, arith::AddFOp, arith::AddIOp, arith::AddIOp>(
      converter, patterns, /*mean=*/true);
}

void populateUnaryMath(const TypeConverter &converter,
                       RewritePatternSet &patterns) {
  addFloatMath<onnx::SqrtOp, math::SqrtOp>(converter, patterns);
  addFloatMath<onnx::ExpOp, math::ExpOp>(converter, patterns);
  addFloatMath<onnx::LogOp, math::LogOp>(converter, patterns);
  addFloatMath<onnx::TanhOp, math::TanhOp>(converter, patterns);
  addFloatMath<onnx::SinOp, math::SinOp>(converter, patterns);
  addFloatMath<onnx::CosOp, math::CosOp>(converter, patterns);
  addFloatMath<onnx::TanOp, math::TanOp>(converter, patterns);
  addFloatMath<onnx::AsinOp, math::AsinOp>(converter, patterns);
  addFloatMath<onnx::AcosOp, math::AcosOp>(converter, patterns);
  addFloatMath<onnx::AtanOp, math::AtanOp>(converter, patterns);
  addFloatMath<onnx::SinhOp, math::SinhOp>(converter, patterns);
  addFloatMath<onnx::CoshOp, math::CoshOp>(converter, patterns);
  addFloatMath<onnx::AsinhOp, math::AsinhOp>(converter, patterns);
  addFloatMath<onnx::AcoshOp, math::AcoshOp>(converter, patterns);
  addFloatMath<onnx::AtanhOp, math::AtanhOp>(converter, patterns);
  addFloatMath<onnx::FloorOp, math::FloorOp>(converter, patterns);
  addFloatMath<onnx::CeilOp, math::CeilOp>(converter, patterns);
  addFloatMath<onnx::RoundOp, math::RoundEvenOp>(converter, patterns);

  addFloatUnary<onnx::ReciprocalOp>(
      converter, patterns, [](OpBuilder &b, Location loc, Value x, auto) {
        return arith::DivFOp::create(b, loc, constant(b, loc, x.getType(), 1),
                                     x);
      });
  addElementwise<onnx::NegOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         auto) -> Value {
        if (isa<FloatType>(type))
          return arith::NegFOp::create(b, loc, args[0]);
        return arith::SubIOp::create(
            b, loc, constant(b, loc, args[0].getType(), 0), args[0]);
      });
  addElementwise<onnx::AbsOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         auto) -> Value {
        if (isa<FloatType>(type))
          return math::AbsFOp::create(b, loc, args[0]);
        if (isUnsignedInt(type))
          return args[0];
        return math::AbsIOp::create(b, loc, args[0]);
      });
  addElementwise<onnx::SignOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         auto) -> Value {
        Value x = args[0];
        Type t = x.getType();
        Value zero = constant(b, loc, t, 0), one = constant(b, loc, t, 1);
        if (isUnsignedInt(type)) {
          Value nonZero =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
          return arith::SelectOp::create(b, loc, nonZero, one, zero);
        }
        Value positive, negative;
        if (isa<FloatType>(type)) {
          positive =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
          negative =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
        } else {
          positive =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
          negative =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
        }
        // Zero and NaN map to themselves.
        Value minusOne = constant(b, loc, t, -1);
        return arith::SelectOp::create(
            b, loc, positive, one,
            arith::SelectOp::create(b, loc, negative, minusOne, x));
      });
  addElementwise<onnx::ErfOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         auto) -> Value {
        if (isa<FloatType>(type))
          return inF32(b, loc, args, [&](ValueRange x) -> Value {
            return math::ErfOp::create(b, loc, x[0]);
          });
        // Integers: erf in f32, truncated back.
        Type f32 = b.getF32Type();
        Value erf = math::ErfOp::create(
            b, loc, convertScalar(b, loc, args[0], type, f32));
        return convertScalar(b, loc, erf, f32, type);
      });
}

void populateActivations(const TypeConverter &converter,
                         RewritePatternSet &patterns) {
  using arith::CmpFPredicate;
  auto cmp = [](OpBuilder &b, Location loc, CmpFPredicate predicate, Value x,
                Value y) -> Value {
    return arith::CmpFOp::create(b, loc, predicate, x, y);
  };

  addElementwise<onnx::ReluOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         auto) -> Value {
        Value zero = constant(b, loc, args[0].getType(), 0.0);
        if (isa<FloatType>(type))
          return arith::MaximumFOp::create(b, loc, args[0], zero);
        return arith::MaxSIOp::create(b, loc, args[0], zero);
      });
  addFloatUnary<onnx::SigmoidOp>(
      converter, patterns, [](OpBuilder &b, Location loc, Value x, auto) {
        Value one = constant(b, loc, x.getType(), 1);
        Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
        return arith::DivFOp::create(b, loc, one,
                                     arith::AddFOp::create(b, loc, one, e));
      });
  addFloatUnary<onnx::LeakyReluOp>(
      converter, patterns,
      [cmp](OpBuilder &b, Location loc, Value x, onnx::LeakyReluOp op) {
        Type t = x.getType();
        Value scaled = arith::MulFOp::create(
            b, loc, x, constant(b, loc, t, attr(op.getAlpha())));
        return arith::SelectOp::create(
            b, loc, cmp(b, loc, CmpFPredicate::OLT, x, constant(b, loc, t, 0)),
            scaled, x);
      });
  addFloatUnary<onnx::HardSigmoidOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, Value x, onnx::HardSigmoidOp op) {
        Type t = x.getType();
        Value y = arith::AddFOp::create(
            b, loc,
            arith::MulFOp::create(b, loc, x,
                                  constant(b, loc, t, attr(op.getAlpha()))),
            constant(b, loc, t, attr(op.getBeta())));
        y = arith::MinimumFOp::create(b, loc, y, constant(b, loc, t, 1));
        return arith::MaximumFOp::create(b, loc, y, constant(b, loc, t, 0));
      });
  addFloatUnary<onnx::HardSwishOp>(
      converter, patterns, [](OpBuilder &b, Location loc, Value x, auto) {
        Type t = x.getType();
        Value y = arith::AddFOp::create(
            b, loc,
            arith::MulFOp::create(b, loc, x,
                                  constant(b, loc, t, 1.0f / 6.0f)),
            constant(b, loc, t, 0.5));
        y = arith::MinimumFOp::create(b, loc, y, constant(b, loc, t, 1));
        y = arith::MaximumFOp::create(b, loc, y, constant(b, loc, t, 0));
        return arith::MulFOp::create(b, loc, x, y);
      });
  addFloatUnary<onnx::SoftplusOp>(
      converter, patterns, [](OpBuilder &b, Location loc, Value x, auto) {
        // max(x, 0) + log1p(exp(-|x|)): log(exp(x) + 1) without overflow.
        Type t = x.getType();
        Value negAbs =
            arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
        Value tail = math::Log1pOp::create(
            b, loc, math::ExpOp::create(b, loc, negAbs));
        return arith::AddFOp::create(
            b, loc,
            arith::MaximumFOp::create(b, loc, x, constant(b, loc, t, 0)),
            tail);
      });
  addFloatUnary<onnx::EluOp>(
      converter, patterns,
      [cmp](OpBuilder &b, Location loc, Value x, onnx::EluOp op) {
        Type t = x.getType();
        Value negative = arith::MulFOp::create(
            b, loc, math::ExpM1Op::create(b, loc, x),
            constant(b, loc, t, attr(op.getAlpha())));
        return arith::SelectOp::create(
            b, loc, cmp(b, loc, CmpFPredicate::OLT, x, constant(b, loc, t, 0)),
            negative, x);
      });
  addFloatUnary<onnx::SeluOp>(
      converter, patterns,
      [cmp](OpBuilder &b, Location loc, Value x, onnx::SeluOp op) {
        Type t = x.getType();
        Value gamma = constant(b, loc, t, attr(op.getGamma()));
        Value negative = arith::MulFOp::create(
            b, loc, math::ExpM1Op::create(b, loc, x),
            constant(b, loc, t, attr(op.getAlpha())));
        Value y = arith::SelectOp::create(
            b, loc, cmp(b, loc, CmpFPredicate::OLE, x, constant(b, loc, t, 0)),
            negative, x);
        return arith::MulFOp::create(b, loc, y, gamma);
      });
  addFloatUnary<onnx::ThresholdedReluOp>(
      converter, patterns,
      [cmp](OpBuilder &b, Location loc, Value x, onnx::ThresholdedReluOp op) {
        Type t = x.getType();
        Value alpha = constant(b, loc, t, attr(op.getAlpha()));
        return arith::SelectOp::create(
            b, loc, cmp(b, loc, CmpFPredicate::OGT, x, alpha), x,
            constant(b, loc, t, 0));
      });
  addFloatUnary<onnx::CeluOp>(
      converter, patterns, [](OpBuilder &b, Location loc, Value x,
                              onnx::CeluOp op) {
        Type t = x.getType();
        Value alpha = constant(b, loc, t, attr(op.getAlpha()));
        Value zero = constant(b, loc, t, 0);
        Value negative = arith::MulFOp::create(
            b, loc, alpha,
            math::ExpM1Op::create(b, loc,
                                  arith::DivFOp::create(b, loc, x, alpha)));
        return arith::AddFOp::create(
            b, loc, arith::MaximumFOp::create(b, loc, x, zero),
            arith::MinimumFOp::create(b, loc, negative, zero));
      });
  addFloatUnary<onnx::SoftsignOp>(
      converter, patterns, [](OpBuilder &b, Location loc, Value x, auto) {
        Value denominator = arith::AddFOp::create(
            b, loc, constant(b, loc, x.getType(), 1),
            math::AbsFOp::create(b, loc, x));
        return arith::DivFOp::create(b, loc, x, denominator);
      });
  addElementwise<onnx::ShrinkOp>(
      converter, patterns,
      [cmp](OpBuilder &b, Location loc, ValueRange args, Type type,
            onnx::ShrinkOp op) -> Value {
        auto shrink = [&](Value x) -> Value {
          Type t = x.getType();
          Value lambd = constant(b, loc, t, attr(op.getLambd()));
          Value bias = constant(b, loc, t, attr(op.getBias()));
          Value below = cmp(b, loc, CmpFPredicate::OLT, x,
                            arith::NegFOp::create(b, loc, lambd));
          Value above = cmp(b, loc, CmpFPredicate::OGT, x, lambd);
          Value inner = arith::SelectOp::create(
              b, loc, above, arith::SubFOp::create(b, loc, x, bias),
              constant(b, loc, t, 0));
          return arith::SelectOp::create(
              b, loc, below, arith::AddFOp::create(b, loc, x, bias), inner);
        };
        if (isa<FloatType>(type))
          return inF32(b, loc, args,
                       [&](ValueRange x) -> Value { return shrink(x[0]); });
        // Integers: computed in f64 and truncated back, as the reference.
        Type f64 = b.getF64Type();
        return convertScalar(
            b, loc, shrink(convertScalar(b, loc, args[0], type, f64)), f64,
            type);
      });
  addElementwise<onnx::PReluOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         auto) -> Value {
        Value x = args[0], slope = args[1];
        Value zero = constant(b, loc, x.getType(), 0);
        if (isa<FloatType>(type))
          return inF32(b, loc, args, [&](ValueRange v) -> Value {
            Value negative = arith::CmpFOp::create(
                b, loc, CmpFPredicate::OLT, v[0],
                constant(b, loc, v[0].getType(), 0));
            return arith::SelectOp::create(
                b, loc, negative, arith::MulFOp::create(b, loc, v[0], v[1]),
                v[0]);
          });
        if (isUnsignedInt(type))
          return x;
        Value negative = arith::CmpIOp::create(
            b, loc, arith::CmpIPredicate::slt, x, zero);
        return arith::SelectOp::create(
            b, loc, negative, arith::MulIOp::create(b, loc, x, slope), x);
      });
  addFloatUnary<onnx::GeluOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, Value x, onnx::GeluOp op) {
        Type t = x.getType();
        Value half = constant(b, loc, t, 0.5), one = constant(b, loc, t, 1);
        Value inner;
        if (op.getApproximate() == "tanh") {
          // tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))
          Value cube = arith::MulFOp::create(
              b, loc, x, arith::MulFOp::create(b, loc, x, x));
          Value poly = arith::AddFOp::create(
              b, loc, x,
              arith::MulFOp::create(b, loc, constant(b, loc, t, 0.044715),
                                    cube));
          inner = math::TanhOp::create(
              b, loc,
              arith::MulFOp::create(
                  b, loc, constant(b, loc, t, std::sqrt(2.0 / M_PI)), poly));
        } else {
          inner = math::ErfOp::create(
              b, loc,
              arith::MulFOp::create(b, loc, x,
                                    constant(b, loc, t, M_SQRT1_2)));
        }
        Value halfX = arith::MulFOp::create(b, loc, half, x);
        return arith::MulFOp::create(b, loc, halfX,
                                     arith::AddFOp::create(b, loc, one, inner));
      },
      [](onnx::GeluOp op) -> std::optional<std::string> {
        if (op.getApproximate() != "none" && op.getApproximate() != "tanh")
          return "Gelu: unsupported approximate=\"" +
                 op.getApproximate().str() + "\" (must be none or tanh)";
        return std::nullopt;
      });
}

/// IsNaN / IsInf on float8 types, which have no float arithmetic in LLVM:
/// a test of the bits. `positive` / `negative` select the infinities.
Value float8Test(OpBuilder &b, Location loc, Value x, bool nanTest,
                 bool positive, bool negative) {
  Type type = x.getType(), i8 = b.getI8Type();
  Value bits = arith::BitcastOp::create(b, loc, i8, x);
  auto eq = [&](Value v, int64_t c) -> Value {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, v,
                                 constant(b, loc, i8, c));
  };
  Value magnitude = arith::AndIOp::create(b, loc, bits, constant(b, loc, i8, 0x7f));
  Value falseValue = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
  if (nanTest) {
    if (isa<Float8E4M3FNType>(type))
      return eq(magnitude, 0x7f);
    if (isa<Float8E5M2Type>(type))
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                   magnitude, constant(b, loc, i8, 0x7c));
    return eq(bits, -128); // The FNUZ types: 0x80 is their only NaN.
  }
  if (!isa<Float8E5M2Type>(type))
    return falseValue; // No infinities.
  Value result = falseValue;
  if (positive)
    result = eq(bits, 0x7c);
  if (negative)
    result = arith::OrIOp::create(b, loc, result, eq(bits, -4)); // 0xfc
  return result;
}

void populateLogicAndConversion(const TypeConverter &converter,
                                RewritePatternSet &patterns) {
  using arith::CmpFPredicate;
  using arith::CmpIPredicate;
  addCompare<onnx::EqualOp>(converter, patterns, CmpFPredicate::OEQ,
                            CmpIPredicate::eq, CmpIPredicate::eq);
  addCompare<onnx::LessOp>(converter, patterns, CmpFPredicate::OLT,
                           CmpIPredicate::slt, CmpIPredicate::ult);
  addCompare<onnx::LessOrEqualOp>(converter, patterns, CmpFPredicate::OLE,
                                  CmpIPredicate::sle, CmpIPredicate::ule);
  addCompare<onnx::GreaterOp>(converter, patterns, CmpFPredicate::OGT,
                              CmpIPredicate::sgt, CmpIPredicate::ugt);
  addCompare<onnx::GreaterOrEqualOp>(converter, patterns, CmpFPredicate::OGE,
                                     CmpIPredicate::sge, CmpIPredicate::uge);

  addElementwise<onnx::IsNaNOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         auto) -> Value {
        if (isFloat8(type))
          return float8Test(b, loc, args[0], /*nanTest=*/true, false, false);
        return arith::CmpFOp::create(b, loc, CmpFPredicate::UNO, args[0],
                                     args[0]);
      });
  addElementwise<onnx::IsInfOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type type,
         onnx::IsInfOp op) -> Value {
        bool positive = op.getDetectPositive() != 0;
        bool negative = op.getDetectNegative() != 0;
        Value x = args[0];
        if (isFloat8(type))
          return float8Test(b, loc, x, /*nanTest=*/false, positive, negative);
        auto &semantics = cast<FloatType>(type).getFloatSemantics();
        auto isValue = [&](bool negativeInf) -> Value {
          Value inf = arith::ConstantOp::create(
              b, loc,
              b.getFloatAttr(x.getType(),
                             APFloat::getInf(semantics, negativeInf)));
          return arith::CmpFOp::create(b, loc, CmpFPredicate::OEQ, x, inf);
        };
        Value result = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
        if (positive)
          result = isValue(false);
        if (negative)
          result = arith::OrIOp::create(b, loc, result, isValue(true));
        return result;
      });

  addElementwise<onnx::NotOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type, auto) -> Value {
        Value trueValue =
            arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
        return arith::XOrIOp::create(b, loc, args[0], trueValue);
      });
  addBinaryArith<onnx::AndOp, arith::AndIOp, arith::AndIOp>(converter,
                                                            patterns);
  addBinaryArith<onnx::OrOp, arith::OrIOp, arith::OrIOp>(converter, patterns);
  addBinaryArith<onnx::XorOp, arith::XOrIOp, arith::XOrIOp>(converter,
                                                            patterns);

  addElementwise<onnx::WhereOp>(
      converter, patterns,
      [](OpBuilder &b, Location loc, ValueRange args, Type, auto) -> Value {
        return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
      });

  // Cast / CastLike: only the input is read (CastLike's target_type gives
  // the element type, not values).
  auto checkCast = [](Operation *op) -> std::optional<std::string> {
    Type from = onnx::elementTypeOf(op->getOperand(0));
    Type to = onnx::elementTypeOf(op->getResult(0));
    if (isCastable(from) && isCastable(to))
      return std::nullopt;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << op->getName().stripDialect() << " from " << from << " to " << to
       << " is unsupported (float8, 4-bit and string types are not)";
    return text;
  };
  auto castBody = [](OpBuilder &b, Location loc, ValueRange args, Type type,
                     auto op) -> Value {
    return convertScalar(b, loc, args[0], type,
                       onnx::elementTypeOf(op->getResult(0)));
  };
  addElementwise<onnx::CastOp>(
      converter, patterns, castBody,
      [checkCast](onnx::CastOp op) { return checkCast(op); });
  addElementwise<onnx::CastLikeOp>(
      converter, patterns, castBody,
      [checkCast](onnx::CastLikeOp op) { return checkCast(op); },
      /*maxOperands=*/1);
}

} // namespace

void quant_opt::populateONNXElementwiseToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  populateArithmetic(converter, patterns);
  populateUnaryMath(converter, patterns);
  populateActivations(converter, patterns);
  populateLogicAndConversion(converter, patterns);
  patterns.add<ClipLowering>(converter, patterns.getContext());
}

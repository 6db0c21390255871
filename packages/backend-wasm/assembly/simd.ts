// Vector math on four float32 lanes (wasm fixed-width SIMD). exp is Cephes' expf: range reduction
// x = n·ln2 + r, a degree-6 polynomial in r, and 2ⁿ built in the exponent bits; ≈ 1 ulp. tanh
// takes one exponential and one divide: tanh|x| = m / (m + 2) with m = e^{2|x|} − 1 computed from
// the same reduction as 2ⁿ·(e^r − 1) + (2ⁿ − 1), so that for small |x| (n = 0) m is the polynomial's
// r + r²·q(r) itself and nothing cancels. Scalar tails run the same vector code on one lane, so
// every element sees the same formula.

// With --use FMA=1 the multiply-add is relaxed SIMD's fused one (opt-in build, see scripts/build-wasm.mjs).
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (isDefined(FMA)) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline
export function splat(x: f32): v128 {
  return f32x4.splat(x);
}

// @ts-ignore: decorator
@inline
export function lane0(v: v128): f32 {
  return f32x4.extract_lane(v, 0);
}

/** n of the range reduction x = n·ln2 + r (|r| ≤ ln2/2), as a float; callers clamp x first. */
// @ts-ignore: decorator
@inline
function reduce(x: v128): v128 {
  return f32x4.floor(madd(x, splat(1.44269504088896341), splat(0.5)));
}

/** r for e^x = 2ⁿ·e^r, ln2 split in two so that n·ln2 subtracts exactly. */
// @ts-ignore: decorator
@inline
function remainder(x: v128, n: v128): v128 {
  const r = f32x4.sub(x, f32x4.mul(n, splat(0.693359375)));
  return f32x4.sub(r, f32x4.mul(n, splat(-2.12194440e-4)));
}

/** e^r − 1 for |r| ≤ ln2/2: r + r²·q(r), Cephes' minimax coefficients. */
// @ts-ignore: decorator
@inline
function expm1Reduced(r: v128): v128 {
  let p = splat(1.9875691500e-4);
  p = madd(p, r, splat(1.3981999507e-3));
  p = madd(p, r, splat(8.3334519073e-3));
  p = madd(p, r, splat(4.1665795894e-2));
  p = madd(p, r, splat(1.6666665459e-1));
  p = madd(p, r, splat(5.0000001201e-1));
  return madd(p, f32x4.mul(r, r), r);
}

/** 2ⁿ for integral n in float32's exponent range, built in the exponent bits. */
// @ts-ignore: decorator
@inline
function pow2(n: v128): v128 {
  return i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
}

// @ts-ignore: decorator
@inline
export function vexp(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, splat(-87.33)), splat(88.0));
  const n = reduce(x);
  return f32x4.mul(f32x4.add(expm1Reduced(remainder(x, n)), splat(1)), pow2(n));
}

// @ts-ignore: decorator
@inline
export function vsigmoid(x: v128): v128 {
  return f32x4.div(splat(1), f32x4.add(splat(1), vexp(f32x4.neg(x))));
}

/** A gate's squashing: σ, or (hard) clip(0.2·x + 0.5, 0, 1), TensorFlow.js's hardSigmoid. */
// @ts-ignore: decorator
@inline
export function vgate(x: v128, hard: bool): v128 {
  if (hard) return f32x4.min(f32x4.max(f32x4.add(f32x4.mul(x, splat(0.2)), splat(0.5)), splat(0)), splat(1));
  return vsigmoid(x);
}

/** A gate's derivative from its value s: s(1 − s) for σ; 0.2 inside (0, 1), 0 where hardSigmoid clipped. */
// @ts-ignore: decorator
@inline
export function vgateGrad(s: v128, hard: bool): v128 {
  if (hard) return v128.and(v128.and(f32x4.gt(s, splat(0)), f32x4.lt(s, splat(1))), splat(0.2));
  return f32x4.mul(s, f32x4.sub(splat(1), s));
}

// @ts-ignore: decorator
@inline
export function vtanh(x: v128): v128 {
  // m = e^{2|x|} − 1 = 2ⁿ·(e^r − 1) + (2ⁿ − 1); 2|x| ≤ 88 keeps m finite, and tanh is 1 in float32 from |x| ≈ 9.
  const y = f32x4.min(f32x4.add(f32x4.abs(x), f32x4.abs(x)), splat(88.0));
  const n = reduce(y);
  const scale = pow2(n);
  const m = madd(scale, expm1Reduced(remainder(y, n)), f32x4.sub(scale, splat(1)));
  const magnitude = f32x4.div(m, f32x4.add(m, splat(2)));
  // Copy x's sign; NaN stays NaN (min keeps it, and NaN's m gives NaN).
  return v128.or(magnitude, v128.and(x, i32x4.splat(0x80000000)));
}

/** Four floats from ptr (full), or the one at ptr in every lane (a scalar tail: same formula, one lane kept). */
// @ts-ignore: decorator
@inline
export function ld(ptr: usize, full: bool): v128 {
  return full ? v128.load(ptr) : f32x4.splat(load<f32>(ptr));
}

/** Stores four lanes (full), or lane 0 alone. */
// @ts-ignore: decorator
@inline
export function st(ptr: usize, v: v128, full: bool): void {
  if (full) v128.store(ptr, v);
  else store<f32>(ptr, f32x4.extract_lane(v, 0));
}

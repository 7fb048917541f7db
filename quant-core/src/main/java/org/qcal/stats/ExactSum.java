package org.qcal.stats;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.qcal.QcalException;

/**
 * The exact sum of finite doubles: additions and merges are exactly associative and commutative,
 * so any split of the same values, merged in any order, gives the identical state and the
 * identical {@link #doubleValue()}.
 *
 * <p>Representation (a "superaccumulator"): every finite double is an integer multiple of {@code
 * 2^-1074}, so the sum is {@code N * 2^-1074} for an integer {@code N}, held as {@value #LIMBS}
 * signed 64-bit limbs, {@code N = sum_i limbs[i] * 2^(32 i)}. Adding a double adds its 53-bit
 * significand, shifted to its exponent, to three adjacent limbs; carries are propagated lazily, at
 * the latest after {@value #MAX_PENDING} additions, so that no limb can overflow. {@value #LIMBS}
 * limbs hold 2176 bits: any sum of fewer than {@code 2^77} doubles is exact.
 *
 * <p>In the canonical (normalized) form limbs {@code 0..LIMBS-2} are in {@code [0, 2^32)} and the
 * top limb carries the sign; equality, hashing and serialization use it. Serialized form, little
 * endian: {@code int32 n}, then {@code n} bytes of {@code N} in two's complement, least
 * significant byte first ({@code n} is the minimal length, {@code BigInteger.toByteArray()}
 * reversed; zero is one byte {@code 0x00}).
 *
 * <p>Not thread safe. Kryo-friendly: one array field and one counter, no-arg constructor.
 */
public final class ExactSum implements Serializable {
  private static final long serialVersionUID = 1L;

  static final int LIMBS = 68;
  static final int MAX_PENDING = 1 << 30;
  private static final long MASK = 0xFFFF_FFFFL;
  /** {@code N} must stay below {@code 2^(32 * LIMBS - 1)} in magnitude. */
  private static final int MAX_BITS = 32 * LIMBS - 1;
  private static final int MAX_BYTES = MAX_BITS / 8 + 1;

  private long[] limbs = new long[LIMBS];
  /**
   * 0 in the canonical form; otherwise every limb is below {@code (pending + 1) * 2^32} in
   * magnitude, so {@code pending < MAX_PENDING} keeps limbs below {@code 2^63}.
   */
  private int pending;

  public ExactSum() {}

  /** Adds a finite double exactly. */
  public ExactSum add(double x) {
    if (!Double.isFinite(x)) {
      throw new QcalException("ExactSum value must be finite, got " + x);
    }
    if (x == 0) {
      return this;
    }
    long bits = Double.doubleToRawLongBits(x);
    int biased = (int) (bits >>> 52) & 0x7FF;
    long m = bits & 0x000F_FFFF_FFFF_FFFFL;
    int k; // |x| = m * 2^(k - 1074)
    if (biased == 0) {
      k = 0;
    } else {
      m |= 1L << 52;
      k = biased - 1;
    }
    addShifted(x < 0 ? -1 : 1, m, k);
    return this;
  }

  /** Adds {@code sign * m * 2^k} (in units of {@code 2^-1074}) to three limbs. */
  private void addShifted(int sign, long m, int k) {
    if (pending >= MAX_PENDING) {
      normalize();
    }
    int i = k >>> 5;
    int sh = k & 31;
    long lo = (m << sh) & MASK;
    long mid = (m << sh) >>> 32;
    long hi = sh == 0 ? 0 : m >>> (64 - sh);
    limbs[i] += sign * lo;
    limbs[i + 1] += sign * mid;
    limbs[i + 2] += sign * hi;
    pending++;
  }

  /** Adds the other sum into this one exactly; the other is left unchanged. */
  public ExactSum merge(ExactSum other) {
    if (other == this) {
      other = copy();
    }
    if ((long) pending + other.pending + 1 >= MAX_PENDING) {
      normalize();
      if ((long) other.pending + 1 >= MAX_PENDING) {
        other = other.copy().normalize();
      }
    }
    for (int i = 0; i < LIMBS; i++) {
      limbs[i] += other.limbs[i];
    }
    pending += other.pending + 1; // other's limbs are below (other.pending + 1) * 2^32
    return this;
  }

  /** A deep copy. */
  public ExactSum copy() {
    ExactSum c = new ExactSum();
    c.limbs = limbs.clone();
    c.pending = pending;
    return c;
  }

  public boolean isZero() {
    normalize();
    for (long l : limbs) {
      if (l != 0) {
        return false;
      }
    }
    return true;
  }

  /** Propagates carries into the canonical form; the value is unchanged. */
  private ExactSum normalize() {
    if (pending == 0) {
      return this;
    }
    long carry = 0;
    for (int i = 0; i < LIMBS - 1; i++) {
      long v = limbs[i] + carry;
      limbs[i] = v & MASK;
      carry = v >> 32;
    }
    limbs[LIMBS - 1] += carry;
    pending = 0;
    return this;
  }

  /** The integer {@code N} with {@code sum = N * 2^-1074}. */
  BigInteger scaledValue() {
    normalize();
    byte[] be = new byte[8 + 4 * (LIMBS - 1)];
    ByteBuffer.wrap(be).putLong(limbs[LIMBS - 1]);
    for (int i = LIMBS - 2, p = 8; i >= 0; i--, p += 4) {
      ByteBuffer.wrap(be, p, 4).putInt((int) limbs[i]);
    }
    return new BigInteger(be);
  }

  /** The exact sum as a BigDecimal. */
  public BigDecimal toBigDecimal() {
    BigInteger n = scaledValue();
    if (n.signum() == 0) {
      return BigDecimal.ZERO;
    }
    int z = n.getLowestSetBit();
    BigInteger odd = n.shiftRight(z);
    int e = z - 1074; // sum = odd * 2^e
    if (e >= 0) {
      return new BigDecimal(odd.shiftLeft(e));
    }
    // odd * 2^e = odd * 5^-e / 10^-e, exact.
    return new BigDecimal(odd.multiply(BigInteger.valueOf(5).pow(-e)), -e);
  }

  /** The sum rounded once to the nearest double (ties to even); overflow gives an infinity. */
  public double doubleValue() {
    BigInteger n = scaledValue();
    BigInteger mag = n.abs();
    int len = mag.bitLength();
    double r;
    if (len <= 53) {
      r = Math.scalb((double) mag.longValue(), -1074); // exactly representable
    } else {
      int shift = len - 53;
      long top = mag.shiftRight(shift).longValue();
      boolean half = mag.testBit(shift - 1);
      boolean sticky = mag.getLowestSetBit() < shift - 1;
      if (half && (sticky || (top & 1) == 1)) {
        top++;
      }
      r = Math.scalb((double) top, shift - 1074); // normal range: exact or overflow to infinity
    }
    return n.signum() < 0 ? -r : r;
  }

  /** Serialized size in bytes of {@link #writeTo}. */
  public int serializedSize() {
    return 4 + scaledValue().toByteArray().length;
  }

  /** Writes the documented layout; {@code out} must be little endian. */
  public void writeTo(ByteBuffer out) {
    byte[] be = scaledValue().toByteArray();
    out.putInt(be.length);
    for (int i = be.length - 1; i >= 0; i--) {
      out.put(be[i]);
    }
  }

  /** Reads the documented layout; {@code in} must be little endian. */
  public static ExactSum readFrom(ByteBuffer in) {
    int n = in.getInt();
    if (n < 1 || n > MAX_BYTES || n > in.remaining()) {
      throw new QcalException("ExactSum length must be in [1, " + Math.min(MAX_BYTES,
          in.remaining()) + "], got " + n);
    }
    byte[] be = new byte[n];
    for (int i = n - 1; i >= 0; i--) {
      be[i] = in.get();
    }
    return fromScaled(new BigInteger(be));
  }

  private static ExactSum fromScaled(BigInteger n) {
    if (n.bitLength() > MAX_BITS) {
      throw new QcalException("ExactSum value must have at most " + MAX_BITS + " bits, got "
          + n.bitLength());
    }
    ExactSum s = new ExactSum();
    for (int i = 0; i < LIMBS - 1; i++) {
      s.limbs[i] = n.shiftRight(32 * i).longValue() & MASK;
    }
    s.limbs[LIMBS - 1] = n.shiftRight(32 * (LIMBS - 1)).longValue();
    return s;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ExactSum)) {
      return false;
    }
    normalize();
    return Arrays.equals(limbs, ((ExactSum) o).normalize().limbs);
  }

  @Override
  public int hashCode() {
    normalize();
    return Arrays.hashCode(limbs);
  }

  @Override
  public String toString() {
    return Double.toString(doubleValue());
  }
}

package dev.emergent.trainer.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.function.IntFunction;

/** Invokes C functions that return a status code, and turns a failing status into an exception. */
final class Calls {
  private Calls() {}

  /** Calls {@code function}; a nonzero status becomes a CudaException named by {@code names}. */
  static void check(
      MethodHandle function, String call, IntFunction<String> names, Object... arguments) {
    int status = status(function, arguments);
    if (status != 0) {
      throw new CudaException(call + " failed: " + names.apply(status));
    }
  }

  static int status(MethodHandle function, Object... arguments) {
    return (int) invoke(function, arguments);
  }

  static Object invoke(MethodHandle function, Object... arguments) {
    try {
      return function.invokeWithArguments(arguments);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** The NUL-terminated string a C function returned a pointer to. */
  static String string(Object pointer) {
    MemorySegment address = (MemorySegment) pointer;
    return address.equals(MemorySegment.NULL)
        ? "(none)"
        : address.reinterpret(Long.MAX_VALUE).getString(0);
  }
}

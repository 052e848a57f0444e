package dev.emergent.trainer.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/** A loaded shared library, and downcall handles to its functions. */
record NativeLibrary(String file, SymbolLookup symbols) {

  MethodHandle function(String name, FunctionDescriptor signature) {
    return Linker.nativeLinker()
        .downcallHandle(
            symbols
                .find(name)
                .orElseThrow(
                    () -> new CudaException(file + " has no function " + name + ": too old?")),
            signature);
  }
}

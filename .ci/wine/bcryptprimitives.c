/* For tests under Wine only; never shipped.
 *
 * Rust's standard library (since 1.78) takes random bytes for HashMap seeds from
 * ProcessPrng in bcryptprimitives.dll. Windows 10 and 11 have it; Wine 8 has no such DLL, so
 * a Rust .exe stops at start-up with a missing import. This stand-in exports ProcessPrng and
 * fills the buffer from RtlGenRandom (advapi32's SystemFunction036), which Wine provides.
 * .ci/windows builds it with mingw and .ci/wine/run puts it beside the .exe it runs. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

/* Runs the Android arm64 libsmsguard_ffi.so's JNI exports without a device: an aarch64 glibc
 * process (under qemu-user) dlopens the library and calls the exports through a minimal JNIEnv.
 *
 *   harness LIB.so
 *
 * Java objects are small C structs (strings hold UTF-8, classes their name); every JNI function
 * the library calls that is not implemented here aborts with its slot number, so a new call in
 * the Rust side shows up as "unimplemented JNI slot N" rather than as a wrong answer.
 * Prints one line per check and "harness: N passed, M failed"; exits non-zero on a failure.
 *
 * To check another export, dlsym it with a typedef below and add a check() call. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- fake Java objects ---------------------------------------------------------------------- */

enum kind { K_STRING, K_CLASS, K_OBJECT };
typedef struct { enum kind kind; char *text; } jobj; /* string: UTF-8; class: its name */
typedef jobj *jobject;

static jobject new_obj(enum kind k, const char *text) {
    jobj *o = malloc(sizeof *o);
    o->kind = k;
    o->text = strdup(text ? text : "");
    return o;
}
static jobject jstr(const char *s) { return new_obj(K_STRING, s); }

/* --- JNIEnv / JavaVM ------------------------------------------------------------------------ */

#define SLOTS 240
static void *env_table[SLOTS];
static const void *env_ptr = env_table; /* a JNIEnv* points at the function-table pointer */
static const void **env = &env_ptr;
static void *vm_table[8];
static const void *vm_ptr = vm_table;

static int pending;           /* a Java exception is pending */
static char thrown[1024];     /* "class: message" of the last ThrowNew */

static void unimplemented(int slot) {
    fprintf(stderr, "unimplemented JNI slot %d\n", slot);
    abort();
}
/* One trap per slot, so the abort names the slot. */
#define TRAP(n) static void trap_##n(void) { unimplemented(n); }
#define TRAP10(n) TRAP(n##0) TRAP(n##1) TRAP(n##2) TRAP(n##3) TRAP(n##4) TRAP(n##5) TRAP(n##6) \
    TRAP(n##7) TRAP(n##8) TRAP(n##9)
TRAP(0) TRAP(1) TRAP(2) TRAP(3) TRAP(4) TRAP(5) TRAP(6) TRAP(7) TRAP(8) TRAP(9)
TRAP10(1) TRAP10(2) TRAP10(3) TRAP10(4) TRAP10(5) TRAP10(6) TRAP10(7) TRAP10(8) TRAP10(9)
TRAP10(10) TRAP10(11) TRAP10(12) TRAP10(13) TRAP10(14) TRAP10(15) TRAP10(16) TRAP10(17)
TRAP10(18) TRAP10(19) TRAP10(20) TRAP10(21) TRAP10(22) TRAP10(23)
#define REF10(n) trap_##n##0, trap_##n##1, trap_##n##2, trap_##n##3, trap_##n##4, trap_##n##5, \
    trap_##n##6, trap_##n##7, trap_##n##8, trap_##n##9
static void (*const traps[SLOTS])(void) = {
    trap_0, trap_1, trap_2, trap_3, trap_4, trap_5, trap_6, trap_7, trap_8, trap_9,
    REF10(1), REF10(2), REF10(3), REF10(4), REF10(5), REF10(6), REF10(7), REF10(8), REF10(9),
    REF10(10), REF10(11), REF10(12), REF10(13), REF10(14), REF10(15), REF10(16), REF10(17),
    REF10(18), REF10(19), REF10(20), REF10(21), REF10(22), REF10(23)};

static int GetVersion(void *e) { (void)e; return 0x00010006; }
static jobject FindClass(void *e, const char *name) { (void)e; return new_obj(K_CLASS, name); }
static unsigned char IsAssignableFrom(void *e, jobject a, jobject b) { (void)e; (void)a; (void)b; return 1; }
static int ThrowNew(void *e, jobject cls, const char *msg) {
    (void)e;
    pending = 1;
    snprintf(thrown, sizeof thrown, "%s: %s", cls ? cls->text : "?", msg ? msg : "");
    return 0;
}
static jobject ExceptionOccurred(void *e) { (void)e; return pending ? new_obj(K_OBJECT, "exception") : NULL; }
static void ExceptionDescribe(void *e) { (void)e; }
static void ExceptionClear(void *e) { (void)e; pending = 0; }
static unsigned char ExceptionCheck(void *e) { (void)e; return (unsigned char)pending; }
static int PushLocalFrame(void *e, int n) { (void)e; (void)n; return 0; }
static jobject PopLocalFrame(void *e, jobject r) { (void)e; return r; }
static jobject NewRef(void *e, jobject o) { (void)e; return o; }
static void DeleteRef(void *e, jobject o) { (void)e; (void)o; }
static unsigned char IsSameObject(void *e, jobject a, jobject b) { (void)e; return a == b; }
static int EnsureLocalCapacity(void *e, int n) { (void)e; (void)n; return 0; }
static int GetObjectRefType(void *e, jobject o) { (void)e; (void)o; return 1; /* local */ }
/* Method ids are their names. jni-rs throws through the context class loader:
 * Thread.currentThread().getContextClassLoader(), then loadClass(name) or
 * Class.forName(name, true, loader); both answer a class of that name. */
static void *GetMethodID(void *e, jobject cls, const char *name, const char *sig) {
    (void)e; (void)cls; (void)sig;
    return strdup(name);
}
static jobject CallObjectMethodA(void *e, jobject o, void *mid, const uint64_t *args) {
    (void)e; (void)o;
    if (strcmp(mid, "loadClass") == 0) return new_obj(K_CLASS, ((jobject)(uintptr_t)args[0])->text);
    return new_obj(K_OBJECT, mid);
}
static jobject CallStaticObjectMethodA(void *e, jobject c, void *mid, const uint64_t *args) {
    (void)e; (void)c;
    /* Class.forName(name, initialize, loader) answers the class of that name. */
    if (strcmp(mid, "forName") == 0) return new_obj(K_CLASS, ((jobject)(uintptr_t)args[0])->text);
    return new_obj(K_OBJECT, mid);
}
static jobject NewStringUTF(void *e, const char *s) { (void)e; return jstr(s); }
static int GetStringLength(void *e, jobject s) { (void)e; return (int)strlen(s->text); }
static int GetStringUTFLength(void *e, jobject s) { (void)e; return (int)strlen(s->text); }
static const char *GetStringUTFChars(void *e, jobject s, unsigned char *copy) {
    (void)e;
    if (copy) *copy = 0;
    return s->text;
}
static void ReleaseStringUTFChars(void *e, jobject s, const char *c) { (void)e; (void)s; (void)c; }
static void GetStringUTFRegion(void *e, jobject s, int start, int len, char *buf) {
    (void)e;
    memcpy(buf, s->text + start, (size_t)len); /* ASCII-only callers: chars == bytes */
    buf[len] = 0;
}
static int GetJavaVM(void *e, const void ***vm) { (void)e; *vm = &vm_ptr; return 0; }
static int VmGetEnv(void *vm, const void ***penv, int version) { (void)vm; (void)version; *penv = env; return 0; }
static int VmAttach(void *vm, const void ***penv, void *args) { (void)vm; (void)args; *penv = env; return 0; }
static int VmDetach(void *vm) { (void)vm; return 0; }

static void init_env(void) {
    for (int i = 0; i < SLOTS; i++) env_table[i] = (void *)traps[i];
    /* Slot numbers from jni.h's JNINativeInterface. */
    env_table[4] = GetVersion;          env_table[6] = FindClass;
    env_table[11] = IsAssignableFrom;   env_table[14] = ThrowNew;
    env_table[15] = ExceptionOccurred;  env_table[16] = ExceptionDescribe;
    env_table[17] = ExceptionClear;     env_table[19] = PushLocalFrame;
    env_table[20] = PopLocalFrame;      env_table[21] = NewRef; /* NewGlobalRef */
    env_table[22] = DeleteRef;          env_table[23] = DeleteRef;
    env_table[24] = IsSameObject;       env_table[25] = NewRef; /* NewLocalRef */
    env_table[26] = EnsureLocalCapacity; env_table[33] = GetMethodID;
    env_table[36] = CallObjectMethodA;  env_table[113] = GetMethodID; /* GetStaticMethodID */
    env_table[116] = CallStaticObjectMethodA;
    env_table[164] = GetStringLength;   env_table[167] = NewStringUTF;
    env_table[168] = GetStringUTFLength; env_table[169] = GetStringUTFChars;
    env_table[170] = ReleaseStringUTFChars; env_table[219] = GetJavaVM;
    env_table[221] = GetStringUTFRegion; env_table[226] = DeleteRef; /* DeleteWeakGlobalRef */
    env_table[228] = ExceptionCheck;    env_table[232] = GetObjectRefType;
    for (int i = 0; i < 8; i++) vm_table[i] = (void *)traps[i];
    vm_table[4] = VmAttach; vm_table[5] = VmDetach; vm_table[6] = VmGetEnv; vm_table[7] = VmAttach;
}

/* --- checks --------------------------------------------------------------------------------- */

static int passed, failed;
static void check(int ok, const char *name, const char *fmt, ...) {
    va_list ap;
    printf("%s %s", ok ? "ok  " : "FAIL", name);
    if (fmt) {
        printf(": ");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
    }
    printf("\n");
    if (ok) passed++; else failed++;
}

/* Field i (0-based) of the compact classify result, fields separated by U+001F. */
static const char *field(const char *compact, int i, char *out, size_t n) {
    const char *p = compact;
    for (; i > 0 && p; i--) { p = strchr(p, 0x1f); if (p) p++; }
    if (!p) { out[0] = 0; return out; }
    size_t len = strcspn(p, "\x1f");
    if (len >= n) len = n - 1;
    memcpy(out, p, len);
    out[len] = 0;
    return out;
}
/* Shows a result with its separators visible. */
static const char *shown(jobject s) {
    static char buf[512];
    size_t j = 0;
    for (const char *p = s ? s->text : "(null)"; *p && j < sizeof buf - 4; p++) {
        if (*p == 0x1f) { buf[j++] = ' '; buf[j++] = '|'; buf[j++] = ' '; }
        else if (*p == 0x1e) buf[j++] = ',';
        else buf[j++] = *p;
    }
    buf[j] = 0;
    return buf;
}

#define JNI(name) "Java_com_smsguard_oem_SmsGuardNative_" name
typedef int64_t (*open_fn)(const void **, jobject, jobject, jobject, unsigned char);
typedef jobject (*classify_fn)(const void **, jobject, int64_t, jobject, jobject);
typedef unsigned char (*close_fn)(const void **, jobject, int64_t);
typedef jobject (*panic_fn)(const void **, jobject, jobject);
typedef int64_t (*open_session_fn)(const void **, jobject, jobject, jobject);
typedef jobject (*call_fn)(const void **, jobject, int64_t, jobject);

/* Invented messages: a bank's verification code, and a prize scam with a link. */
static const struct { const char *name, *sender, *body, *action, *category; } cases[] = {
    {"classify bank code", "1069001234",
     "\xe3\x80\x90\xe7\xa4\xba\xe4\xbe\x8b\xe9\x93\xb6\xe8\xa1\x8c\xe3\x80\x91"           /* 【示例银行】 */
     "\xe6\x82\xa8\xe7\x9a\x84\xe9\xaa\x8c\xe8\xaf\x81\xe7\xa0\x81\xe6\x98\xaf" "482913"  /* 您的验证码是 */
     "\xef\xbc\x8c" "5" "\xe5\x88\x86\xe9\x92\x9f\xe5\x86\x85\xe6\x9c\x89\xe6\x95\x88"   /* ，5分钟内有效 */
     "\xe3\x80\x82",                                                                      /* 。 */
     "transaction", "otp"},
    {"classify prize scam", "17000001234",
     "\xe6\x81\xad\xe5\x96\x9c\xe6\x82\xa8\xe4\xb8\xad\xe5\xa5\x96" "10"                  /* 恭喜您中奖10 */
     "\xe4\xb8\x87\xe5\x85\x83\xef\xbc\x8c\xe7\x82\xb9\xe5\x87\xbb "                      /* 万元，点击 */
     "http://t.cn/Ab3x \xe9\xa2\x86\xe5\x8f\x96",                                         /* 领取 */
     "junk", NULL},
};

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) { fprintf(stderr, "usage: harness LIB.so\n"); return 2; }
    init_env();

    void *lib = dlopen(argv[1], RTLD_NOW);
    check(lib != NULL, "dlopen", lib ? NULL : "%s", dlerror());
    if (!lib) return 1;
    open_fn open = (open_fn)dlsym(lib, JNI("nativeOpen"));
    classify_fn classify = (classify_fn)dlsym(lib, JNI("nativeClassify"));
    close_fn close = (close_fn)dlsym(lib, JNI("nativeClose"));
    check(open && classify && close, "exports", NULL);
    if (!(open && classify && close)) return 1;

    /* null rule packs = the embedded rules; embedded model on, so tract's kernels run too */
    int64_t h = open(env, NULL, NULL, NULL, 1);
    check(!pending && h != 0, "nativeOpen", pending ? "threw %s" : NULL, thrown);
    if (pending) return 1;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        jobject r = classify(env, NULL, h, jstr(cases[i].sender), jstr(cases[i].body));
        if (pending) {
            check(0, cases[i].name, "threw %s", thrown);
            pending = 0;
            continue;
        }
        char action[64], category[64];
        field(r ? r->text : "", 0, action, sizeof action);
        field(r ? r->text : "", 1, category, sizeof category);
        int ok = strcmp(action, cases[i].action) == 0
            && (!cases[i].category || strcmp(category, cases[i].category) == 0);
        check(ok, cases[i].name, "%s", shown(r));
    }

    /* Bad input (issue 11): each must come back as a verdict, never as an exception or a crash.
     * The lone surrogate is valid modified UTF-8 (what Java hands over) but not UTF-8; null
     * strings read as empty. */
    static char long_body[10000 * 3 + 1]; /* 10,000 × 借 */
    for (int i = 0; i < 10000; i++) memcpy(long_body + 3 * i, "\xe5\x80\x9f", 3);
    /* none: the engine's answer when there is no text to judge (the app shows it in 个人). */
    static const struct { const char *name, *sender, *body; int nothing_to_judge; } bad[] = {
        {"bad input: empty body", "10690000", "", 1},
        {"bad input: unknown (empty) sender", "", "ok", 0},
        {"bad input: null sender and body", NULL, NULL, 1},
        {"bad input: 10,000-character body", "unknown", long_body, 0},
        {"bad input: only control characters", "\x01\x07", "\x07\x1f\x1e\x7f", 1},
        {"bad input: lone surrogate", "13900002222", "a\xed\xa0\x80" "b", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jobject r = classify(env, NULL, h, bad[i].sender ? jstr(bad[i].sender) : NULL,
                             bad[i].body ? jstr(bad[i].body) : NULL);
        if (pending) {
            check(0, bad[i].name, "threw %s", thrown);
            pending = 0;
            continue;
        }
        char action[64];
        field(r ? r->text : "", 0, action, sizeof action);
        int ok = bad[i].nothing_to_judge ? !strcmp(action, "none")
            : !strcmp(action, "allow") || !strcmp(action, "transaction") || !strcmp(action, "promotion")
                || !strcmp(action, "junk");
        check(ok, bad[i].name, "%s", shown(r));
    }

    check(close(env, NULL, h) && !close(env, NULL, h), "nativeClose", NULL);

    /* The JSON request API (nativeOpenSession + nativeCall), once the library has it: an
     * in-memory session (null state path, default config) answering a classify request. */
    open_session_fn open_session = (open_session_fn)dlsym(lib, JNI("nativeOpenSession"));
    call_fn call = (call_fn)dlsym(lib, JNI("nativeCall"));
    if (open_session && call) {
        int64_t s = open_session(env, NULL, NULL, NULL);
        check(!pending && s != 0, "nativeOpenSession", pending ? "threw %s" : NULL, thrown);
        char req[512];
        snprintf(req, sizeof req, "{\"v\":1,\"op\":\"classify\",\"message\":{\"sender\":\"%s\",\"body\":\"%s\"}}",
                 cases[0].sender, cases[0].body);
        jobject r = pending ? NULL : call(env, NULL, s, jstr(req));
        check(!pending && r && strstr(r->text, "\"ok\":true") && strstr(r->text, "\"action\":\"transaction\""),
              "nativeCall classify", "%s", pending ? thrown : r ? r->text : "(null)");
        pending = 0;
        r = call(env, NULL, s, jstr("{\"v\":1,\"op\":\"no_such_op\"}"));
        check(!pending && r && strstr(r->text, "\"ok\":false") && strstr(r->text, "bad_request"),
              "nativeCall bad request", "%s", pending ? thrown : r ? r->text : "(null)");
        pending = 0;
        close(env, NULL, s);
    }

    /* Only in builds with the test-panic feature: the panic must come back as a thrown
     * SmsGuardException (kind INTERNAL) without the panic's text, and this process must go on. */
    panic_fn debug_panic = (panic_fn)dlsym(lib, JNI("nativeDebugPanic"));
    if (debug_panic) {
        pending = 0;
        thrown[0] = 0;
        debug_panic(env, NULL, jstr("probe"));
        /* The panic's own text can quote an SMS: it must not cross the boundary. */
        int ok = pending && strstr(thrown, "SmsGuardException") && strstr(thrown, "INTERNAL\x1f")
            && !strstr(thrown, "probe");
        check(ok, "panic caught", "%s", pending ? thrown : "no exception thrown");
        pending = 0;
        int64_t h2 = open(env, NULL, NULL, NULL, 0);
        check(!pending && h2 != 0, "alive after panic", NULL);
    }

    printf("harness: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

// Fulmen's JNI shim over Gloo (Debian's libgloo-dev): one process group per handle, collectives on the caller's
// memory (direct ByteBuffers that alias the tensors), every C++ exception turned into a Java CollectiveException.
// The Java side is io.fulmen.ddp.collective.GlooNative.

#include <jni.h>

#include <gloo/allgather.h>
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/math.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/file_store.h>
#include <gloo/rendezvous/store.h>
#include <gloo/transport/tcp/device.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// Data type codes shared with GlooNative.java.
enum DataType : jint { FLOAT32 = 0, FLOAT64 = 1, INT32 = 2, INT64 = 3 };
// Reduction codes shared with GlooNative.java.
enum Reduction : jint { SUM = 0, MEAN = 1, MAX = 2, MIN = 3 };

// In a bucket of several arrays, those smaller than this many bytes are packed into one scratch buffer and reduced by a
// single Gloo call; larger ones are reduced in place, one call each (a copy would cost more than the extra call's
// latency). A lone array is always reduced in place.
constexpr size_t kPackBelowBytes = 1 << 20;

struct Group {
  std::shared_ptr<gloo::transport::Device> device;
  std::shared_ptr<gloo::rendezvous::Context> context;
  std::vector<char> scratch;
};

// A Java-side JavaStore's pending exception, carried through Gloo as a C++ exception.
struct JavaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void throwJava(JNIEnv* env, const std::string& message) {
  if (env->ExceptionCheck()) {
    return;
  }
  jclass type = env->FindClass("io/fulmen/ddp/collective/CollectiveException");
  if (type == nullptr) {
    return;  // NoClassDefFoundError is pending
  }
  env->ThrowNew(type, message.c_str());
}

// Takes a pending Java exception off the thread and returns its message.
std::string takeJavaException(JNIEnv* env) {
  jthrowable error = env->ExceptionOccurred();
  env->ExceptionClear();
  jclass throwable = env->FindClass("java/lang/Throwable");
  jmethodID toString = env->GetMethodID(throwable, "toString", "()Ljava/lang/String;");
  auto text = static_cast<jstring>(env->CallObjectMethod(error, toString));
  if (env->ExceptionCheck() || text == nullptr) {
    env->ExceptionClear();
    return "a Java exception in the rendezvous store";
  }
  const char* chars = env->GetStringUTFChars(text, nullptr);
  std::string message(chars);
  env->ReleaseStringUTFChars(text, chars);
  return message;
}

// A Gloo store backed by a Java object (io.fulmen.ddp.collective.KeyValueStore): Gloo calls it from the thread that
// runs connectFullMesh, which is the JNI caller's thread, so the caller's JNIEnv is valid throughout.
class JavaStore : public gloo::rendezvous::Store {
 public:
  JavaStore(JNIEnv* env, jobject store, std::chrono::milliseconds timeout)
      : env_(env), store_(store), timeout_(timeout) {
    jclass type = env->GetObjectClass(store);
    set_ = env->GetMethodID(type, "set", "(Ljava/lang/String;[B)V");
    get_ = env->GetMethodID(type, "get", "(Ljava/lang/String;J)[B");
    await_ = env->GetMethodID(type, "await", "([Ljava/lang/String;J)V");
    if (set_ == nullptr || get_ == nullptr || await_ == nullptr) {
      throw JavaError(takeJavaException(env));
    }
  }

  void set(const std::string& key, const std::vector<char>& data) override {
    jstring jkey = env_->NewStringUTF(key.c_str());
    jbyteArray value = env_->NewByteArray(static_cast<jsize>(data.size()));
    env_->SetByteArrayRegion(value, 0, static_cast<jsize>(data.size()),
                             reinterpret_cast<const jbyte*>(data.data()));
    env_->CallVoidMethod(store_, set_, jkey, value);
    env_->DeleteLocalRef(value);
    env_->DeleteLocalRef(jkey);
    check();
  }

  std::vector<char> get(const std::string& key) override {
    jstring jkey = env_->NewStringUTF(key.c_str());
    auto value = static_cast<jbyteArray>(
        env_->CallObjectMethod(store_, get_, jkey, static_cast<jlong>(timeout_.count())));
    env_->DeleteLocalRef(jkey);
    check();
    std::vector<char> data(env_->GetArrayLength(value));
    env_->GetByteArrayRegion(value, 0, static_cast<jsize>(data.size()), reinterpret_cast<jbyte*>(data.data()));
    env_->DeleteLocalRef(value);
    return data;
  }

  void wait(const std::vector<std::string>& keys) override {
    wait(keys, timeout_);
  }

  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override {
    jclass stringType = env_->FindClass("java/lang/String");
    jobjectArray jkeys = env_->NewObjectArray(static_cast<jsize>(keys.size()), stringType, nullptr);
    for (size_t i = 0; i < keys.size(); i++) {
      jstring jkey = env_->NewStringUTF(keys[i].c_str());
      env_->SetObjectArrayElement(jkeys, static_cast<jsize>(i), jkey);
      env_->DeleteLocalRef(jkey);
    }
    env_->CallVoidMethod(store_, await_, jkeys, static_cast<jlong>(timeout.count()));
    env_->DeleteLocalRef(jkeys);
    check();
  }

 private:
  void check() {
    if (env_->ExceptionCheck()) {
      throw JavaError(takeJavaException(env_));
    }
  }

  JNIEnv* env_;
  jobject store_;
  std::chrono::milliseconds timeout_;
  jmethodID set_;
  jmethodID get_;
  jmethodID await_;
};

// Gives a store's get the group's timeout: Gloo's FileStore::get waits its own fixed 30 s, whatever the context's.
class TimedStore : public gloo::rendezvous::Store {
 public:
  TimedStore(gloo::rendezvous::Store& inner, std::chrono::milliseconds timeout) : inner_(inner), timeout_(timeout) {}

  void set(const std::string& key, const std::vector<char>& data) override {
    inner_.set(key, data);
  }

  std::vector<char> get(const std::string& key) override {
    inner_.wait({key}, timeout_);
    return inner_.get(key);
  }

  void wait(const std::vector<std::string>& keys) override {
    inner_.wait(keys, timeout_);
  }

  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override {
    inner_.wait(keys, timeout);
  }

 private:
  gloo::rendezvous::Store& inner_;
  std::chrono::milliseconds timeout_;
};

size_t elementSize(jint type) {
  switch (type) {
    case FLOAT32: return 4;
    case FLOAT64: return 8;
    case INT32: return 4;
    case INT64: return 8;
    default: throw std::invalid_argument("unsupported data type code " + std::to_string(type));
  }
}

using ReduceFn = void (*)(void*, const void*, const void*, size_t);

template <typename T>
ReduceFn reduceFunction(jint op) {
  switch (op) {
    case SUM:
    case MEAN: return static_cast<ReduceFn>(&gloo::sum<T>);
    case MAX: return static_cast<ReduceFn>(&gloo::max<T>);
    case MIN: return static_cast<ReduceFn>(&gloo::min<T>);
    default: throw std::invalid_argument("unsupported reduction code " + std::to_string(op));
  }
}

template <typename T>
void divide(char* data, size_t count, int divisor) {
  T* values = reinterpret_cast<T*>(data);
  const T d = static_cast<T>(divisor);
  for (size_t i = 0; i < count; i++) {
    values[i] = values[i] / d;
  }
}

template <typename T>
void allReduceTyped(Group& group, const std::vector<std::pair<char*, size_t>>& buffers, jint op, uint32_t tag) {
  auto reduce = reduceFunction<T>(op);
  // One Gloo call per run, each with its own tag: the Java side reserves as many tags as there are arrays, plus one.
  auto run = [&](char* data, size_t count) {
    uint32_t callTag = tag++;
    if (count == 0) {
      return;
    }
    gloo::AllreduceOptions opts(group.context);
    opts.setOutput(reinterpret_cast<T*>(data), count);
    opts.setReduceFunction(reduce);
    opts.setTag(callTag);
    gloo::allreduce(opts);
    if (op == MEAN) {
      divide<T>(data, count, group.context->size);
    }
  };
  if (buffers.size() == 1) {
    run(buffers[0].first, buffers[0].second);
    return;
  }
  size_t packed = 0;
  for (const auto& [data, count] : buffers) {
    if (count * sizeof(T) < kPackBelowBytes) {
      packed += count;
    }
  }
  // Small arrays: one call on a scratch copy (memcpy is cheap next to a Gloo round trip per array).
  if (packed > 0) {
    group.scratch.resize(packed * sizeof(T));
    char* at = group.scratch.data();
    for (const auto& [data, count] : buffers) {
      if (count * sizeof(T) < kPackBelowBytes) {
        std::memcpy(at, data, count * sizeof(T));
        at += count * sizeof(T);
      }
    }
    run(group.scratch.data(), packed);
    at = group.scratch.data();
    for (const auto& [data, count] : buffers) {
      if (count * sizeof(T) < kPackBelowBytes) {
        std::memcpy(data, at, count * sizeof(T));
        at += count * sizeof(T);
      }
    }
  }
  // Large arrays: in place, on the caller's memory. Every rank walks the list in the same order.
  for (const auto& [data, count] : buffers) {
    if (count * sizeof(T) >= kPackBelowBytes) {
      run(data, count);
    }
  }
}

char* address(JNIEnv* env, jobject buffer) {
  auto* data = static_cast<char*>(env->GetDirectBufferAddress(buffer));
  if (data == nullptr && env->GetDirectBufferCapacity(buffer) > 0) {
    throw std::invalid_argument("not a direct buffer");
  }
  return data;
}

Group& groupOf(jlong handle) {
  if (handle == 0) {
    throw std::invalid_argument("the collective is closed");
  }
  return *reinterpret_cast<Group*>(handle);
}

std::string text(JNIEnv* env, jstring value) {
  if (value == nullptr) {
    return "";
  }
  const char* chars = env->GetStringUTFChars(value, nullptr);
  std::string result(chars);
  env->ReleaseStringUTFChars(value, chars);
  return result;
}

// Runs body, turning any C++ exception into a Java CollectiveException (or keeping a pending Java one).
template <typename Body>
auto guarded(JNIEnv* env, Body body) -> decltype(body()) {
  try {
    return body();
  } catch (const JavaError& e) {
    throwJava(env, e.what());
  } catch (const std::exception& e) {
    throwJava(env, e.what());
  } catch (...) {
    throwJava(env, "unknown C++ exception in Gloo");
  }
  return decltype(body())();
}

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_io_fulmen_ddp_collective_GlooNative_connect(
    JNIEnv* env, jclass, jstring directory, jobject javaStore, jint rank, jint size, jlong timeoutMs,
    jstring hostname, jstring iface) {
  return guarded(env, [&]() -> jlong {
    std::chrono::milliseconds timeout(timeoutMs);
    gloo::transport::tcp::attr attr;
    attr.hostname = text(env, hostname);
    attr.iface = text(env, iface);
    auto group = std::make_unique<Group>();
    group->device = gloo::transport::tcp::CreateDevice(attr);
    group->context = std::make_shared<gloo::rendezvous::Context>(rank, size);
    group->context->setTimeout(timeout);
    if (directory != nullptr) {
      gloo::rendezvous::FileStore files(text(env, directory));
      TimedStore store(files, timeout);
      group->context->connectFullMesh(store, group->device);
    } else {
      JavaStore store(env, javaStore, timeout);
      group->context->connectFullMesh(store, group->device);
    }
    return reinterpret_cast<jlong>(group.release());
  });
}

JNIEXPORT void JNICALL Java_io_fulmen_ddp_collective_GlooNative_allReduce(
    JNIEnv* env, jclass, jlong handle, jobjectArray buffers, jint type, jint op, jint tag) {
  guarded(env, [&]() {
    Group& group = groupOf(handle);
    size_t width = elementSize(type);
    std::vector<std::pair<char*, size_t>> spans;
    jsize n = env->GetArrayLength(buffers);
    spans.reserve(n);
    for (jsize i = 0; i < n; i++) {
      jobject buffer = env->GetObjectArrayElement(buffers, i);
      spans.emplace_back(address(env, buffer), static_cast<size_t>(env->GetDirectBufferCapacity(buffer)) / width);
      env->DeleteLocalRef(buffer);
    }
    switch (type) {
      case FLOAT32: allReduceTyped<float>(group, spans, op, static_cast<uint32_t>(tag)); break;
      case FLOAT64: allReduceTyped<double>(group, spans, op, static_cast<uint32_t>(tag)); break;
      case INT32: allReduceTyped<int32_t>(group, spans, op, static_cast<uint32_t>(tag)); break;
      case INT64: allReduceTyped<int64_t>(group, spans, op, static_cast<uint32_t>(tag)); break;
      default: throw std::invalid_argument("unsupported data type code " + std::to_string(type));
    }
  });
}

JNIEXPORT void JNICALL Java_io_fulmen_ddp_collective_GlooNative_broadcast(
    JNIEnv* env, jclass, jlong handle, jobject buffer, jint root, jint tag) {
  guarded(env, [&]() {
    Group& group = groupOf(handle);
    size_t bytes = static_cast<size_t>(env->GetDirectBufferCapacity(buffer));
    if (bytes == 0) {
      return;
    }
    gloo::BroadcastOptions opts(group.context);
    opts.setOutput(address(env, buffer), bytes);
    opts.setRoot(root);
    opts.setTag(static_cast<uint32_t>(tag));
    gloo::broadcast(opts);
  });
}

JNIEXPORT void JNICALL Java_io_fulmen_ddp_collective_GlooNative_allGather(
    JNIEnv* env, jclass, jlong handle, jobject input, jobject output, jint tag) {
  guarded(env, [&]() {
    Group& group = groupOf(handle);
    size_t bytes = static_cast<size_t>(env->GetDirectBufferCapacity(input));
    size_t outBytes = static_cast<size_t>(env->GetDirectBufferCapacity(output));
    if (outBytes != bytes * group.context->size) {
      throw std::invalid_argument("all-gather output holds " + std::to_string(outBytes) + " bytes, expected "
                                  + std::to_string(bytes * group.context->size));
    }
    if (bytes == 0) {
      return;
    }
    gloo::AllgatherOptions opts(group.context);
    opts.setInput(address(env, input), bytes);
    opts.setOutput(address(env, output), outBytes);
    opts.setTag(static_cast<uint32_t>(tag));
    gloo::allgather(opts);
  });
}

JNIEXPORT void JNICALL Java_io_fulmen_ddp_collective_GlooNative_barrier(JNIEnv* env, jclass, jlong handle, jint tag) {
  guarded(env, [&]() {
    gloo::BarrierOptions opts(groupOf(handle).context);
    opts.setTag(static_cast<uint32_t>(tag));
    gloo::barrier(opts);
  });
}

JNIEXPORT void JNICALL Java_io_fulmen_ddp_collective_GlooNative_close(JNIEnv* env, jclass, jlong handle) {
  guarded(env, [&]() { delete reinterpret_cast<Group*>(handle); });
}

JNIEXPORT jlong JNICALL Java_io_fulmen_ddp_collective_GlooNative_address(JNIEnv* env, jclass, jobject buffer) {
  return reinterpret_cast<jlong>(env->GetDirectBufferAddress(buffer));
}

}  // extern "C"

// PyTorch's zip container, through libtorch's own PyTorchStreamWriter/Reader.
#include "internal.h"

#include <caffe2/serialize/inline_container.h>

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace {
struct Writer {
    FILE *file = nullptr;
    std::unique_ptr<caffe2::serialize::PyTorchStreamWriter> writer;
};
}  // namespace

extern "C" {

ct_archive_writer ct_archive_writer_open(const char *path) {
    CT_GUARD(return nullptr, {
        auto w = std::make_unique<Writer>();
        w->file = std::fopen(path, "wb");
        TORCH_CHECK(w->file != nullptr, "cannot create ", path);
        FILE *file = w->file;
        w->writer = std::make_unique<caffe2::serialize::PyTorchStreamWriter>(
            [file](const void *data, size_t size) -> size_t { return std::fwrite(data, 1, size, file); });
        return reinterpret_cast<ct_archive_writer>(w.release());
    })
}

int32_t ct_archive_writer_write(ct_archive_writer h, const char *name, const void *data, size_t size) {
    CT_GUARD(return -1, {
        reinterpret_cast<Writer *>(h)->writer->writeRecord(name, data, size);
        return 0;
    })
}

int32_t ct_archive_writer_finish(ct_archive_writer h) {
    auto w = reinterpret_cast<Writer *>(h);
    CT_GUARD(return -1, {
        w->writer->writeEndOfFile();
        TORCH_CHECK(std::fflush(w->file) == 0 && fsync(fileno(w->file)) == 0, "cannot flush the file to disk");
        std::fclose(w->file);
        w->file = nullptr;
        return 0;
    })
}

void ct_archive_writer_free(ct_archive_writer h) {
    auto w = reinterpret_cast<Writer *>(h);
    try {
        w->writer.reset();
    } catch (...) {
    }
    if (w->file != nullptr) std::fclose(w->file);
    delete w;
}

ct_archive_reader ct_archive_reader_open(const char *path) {
    CT_GUARD(return nullptr, {
        return reinterpret_cast<ct_archive_reader>(new caffe2::serialize::PyTorchStreamReader(std::string(path)));
    })
}

int64_t ct_archive_reader_size(ct_archive_reader h, const char *name) {
    CT_GUARD(return -1, {
        auto r = reinterpret_cast<caffe2::serialize::PyTorchStreamReader *>(h);
        if (!r->hasRecord(name)) return -1;
        return static_cast<int64_t>(r->getRecordSize(name));
    })
}

int32_t ct_archive_reader_read(ct_archive_reader h, const char *name, void *dst, size_t size) {
    CT_GUARD(return -1, {
        auto r = reinterpret_cast<caffe2::serialize::PyTorchStreamReader *>(h);
        size_t n = r->getRecord(name, dst, size);
        TORCH_CHECK(n == size, "record ", name, " holds ", n, " bytes, expected ", size);
        return 0;
    })
}

void ct_archive_reader_free(ct_archive_reader h) {
    delete reinterpret_cast<caffe2::serialize::PyTorchStreamReader *>(h);
}

}

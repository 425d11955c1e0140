// Any ATen operator by name, called boxed through the dispatcher: full op coverage without a
// hand-written wrapper per op (see docs/ctorch.md).
#include "internal.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/ivalue.h>

#include <cstdlib>
#include <vector>

using ctorch::input;

namespace {

c10::IValue make_ivalue(const ct_value &v, const c10::Argument &arg);

/// The type an argument takes, without its optional.
c10::TypePtr taken_type(const c10::Argument &arg) {
    auto type = arg.type();
    if (auto optional = type->cast<c10::OptionalType>()) return optional->getElementType();
    return type;
}

/// Whether an argument of the schema type `taken` (its optional removed) accepts `value`: by the
/// value's tag alone (no type objects are made, so a call pays nothing for the check).
bool accepts(const c10::Argument &arg, const c10::TypePtr &taken, const c10::IValue &value) {
    using K = c10::TypeKind;
    if (value.isNone()) return arg.type()->kind() == K::OptionalType || taken->kind() == K::NoneType;
    auto number = [](const c10::IValue &x) { return x.isInt() || x.isDouble() || x.isBool(); };
    switch (taken->kind()) {
    case K::TensorType: return value.isTensor();
    case K::IntType: case K::SymIntType: return value.isInt();
    case K::FloatType: return value.isDouble();
    case K::BoolType: return value.isBool();
    case K::NumberType: return number(value);
    case K::StringType: return value.isString();
    case K::DeviceObjType: return value.isDevice();
    case K::GeneratorType: return value.isGenerator();
    case K::ListType: {
        switch (taken->castRaw<c10::ListType>()->getElementType()->kind()) {
        case K::TensorType: return value.isTensorList();
        case K::IntType: case K::SymIntType: return value.isIntList();
        case K::FloatType: return value.isDoubleList();
        case K::BoolType: return value.isBoolList();
        case K::NumberType: return value.isIntList() || value.isDoubleList() || value.isBoolList();
        default: return value.isList();
        }
    }
    default: return true;
    }
}

/// `v` as the argument's schema takes it, with Python's coercions (an int where a float is
/// taken, ints where floats are, a bool or an int as a Scalar); a value of another type is an
/// error naming the argument, never one of libtorch's internal asserts.
c10::IValue to_ivalue(const ct_value &v, const c10::Argument &arg) {
    auto taken = taken_type(arg);
    auto kind = taken->kind();
    if (v.kind == CT_INT && kind == c10::TypeKind::FloatType) return c10::IValue(static_cast<double>(v.i));
    if (v.kind == CT_INT_LIST && kind == c10::TypeKind::ListType &&
        taken->castRaw<c10::ListType>()->getElementType()->kind() == c10::TypeKind::FloatType) {
        auto p = static_cast<const int64_t *>(v.p);
        return c10::IValue(std::vector<double>(p, p + v.n));
    }
    c10::IValue value = make_ivalue(v, arg);
    TORCH_CHECK(accepts(arg, taken, value), "argument '", arg.name(), "' takes ", arg.type()->str(), ", got ",
                value.isNone() ? std::string("None") : value.type()->str());
    return value;
}

c10::IValue make_ivalue(const ct_value &v, const c10::Argument &arg) {
    switch (v.kind) {
    case CT_NONE:
        return c10::IValue();
    case CT_TENSOR:
        return c10::IValue(input(reinterpret_cast<ct_tensor>(const_cast<void *>(v.p))));
    case CT_INT:
        return c10::IValue(v.i);
    case CT_DOUBLE:
        return c10::IValue(v.d);
    case CT_BOOL:
        return c10::IValue(v.i != 0);
    case CT_INT_LIST: {
        auto p = static_cast<const int64_t *>(v.p);
        return c10::IValue(std::vector<int64_t>(p, p + v.n));
    }
    case CT_DOUBLE_LIST: {
        auto p = static_cast<const double *>(v.p);
        return c10::IValue(std::vector<double>(p, p + v.n));
    }
    case CT_BOOL_LIST: {
        auto p = static_cast<const bool *>(v.p);
        c10::List<bool> list;
        for (int64_t i = 0; i < v.n; ++i) list.push_back(p[i]);
        return c10::IValue(std::move(list));
    }
    case CT_TENSOR_LIST: {
        auto p = static_cast<const ct_tensor *>(v.p);
        c10::List<at::Tensor> list;
        list.reserve(v.n);
        for (int64_t i = 0; i < v.n; ++i) list.push_back(input(p[i]));
        return c10::IValue(std::move(list));
    }
    case CT_OPT_TENSOR_LIST: {
        auto p = static_cast<const ct_tensor *>(v.p);
        c10::List<std::optional<at::Tensor>> list;
        list.reserve(v.n);
        for (int64_t i = 0; i < v.n; ++i) {
            if (p[i] == nullptr) {
                list.push_back(std::nullopt);
            } else {
                list.push_back(input(p[i]));
            }
        }
        return c10::IValue(std::move(list));
    }
    case CT_STRING:
        return c10::IValue(std::string(static_cast<const char *>(v.p)));
    case CT_DEVICE:
        return c10::IValue(c10::Device(static_cast<c10::DeviceType>(v.i), static_cast<c10::DeviceIndex>(v.n)));
    case CT_GENERATOR:
        return c10::IValue(*static_cast<const at::Generator *>(v.p));
    default:
        TORCH_CHECK(false, "argument '", arg.name(), "': unknown value kind ", v.kind);
    }
}

void from_ivalue(c10::IValue &v, ct_value &out) {
    out = ct_value{CT_NONE, 0, 0, nullptr, 0};
    if (v.isTensor()) {
        at::Tensor t = std::move(v).toTensor();
        out.kind = CT_TENSOR;
        out.p = t.defined() ? ctorch::release(std::move(t)) : nullptr;
    } else if (v.isInt()) {
        out.kind = CT_INT;
        out.i = v.toInt();
    } else if (v.isDouble()) {
        out.kind = CT_DOUBLE;
        out.d = v.toDouble();
    } else if (v.isBool()) {
        out.kind = CT_BOOL;
        out.i = v.toBool();
    } else if (v.isTensorList()) {
        auto list = v.toTensorList();
        auto handles = static_cast<ct_tensor *>(std::malloc(sizeof(ct_tensor) * std::max<size_t>(list.size(), 1)));
        for (size_t i = 0; i < list.size(); ++i) handles[i] = ctorch::release(list.get(i));
        out.kind = CT_TENSOR_LIST;
        out.p = handles;
        out.n = static_cast<int64_t>(list.size());
    } else if (v.isNone()) {
        out.kind = CT_NONE;
    } else {
        TORCH_CHECK(false, "unsupported result type ", v.tagKind());
    }
}

/// The results a failed call leaves inside a capture scope: placeholders of the schema's types.
int32_t placeholders(const c10::FunctionSchema &schema, ct_value *results, int32_t capacity) {
    int32_t n = 0;
    for (const auto &ret : schema.returns()) {
        if (n >= capacity) break;
        ct_value &out = results[n++];
        out = ct_value{CT_NONE, 0, 0, nullptr, 0};
        switch (ret.type()->kind()) {
        case c10::TypeKind::TensorType:
            out.kind = CT_TENSOR;
            out.p = ctorch::placeholder();
            break;
        case c10::TypeKind::ListType:
            out.kind = CT_TENSOR_LIST;
            out.p = std::malloc(sizeof(ct_tensor));
            break;
        case c10::TypeKind::IntType:
            out.kind = CT_INT;
            break;
        case c10::TypeKind::FloatType:
            out.kind = CT_DOUBLE;
            break;
        case c10::TypeKind::BoolType:
            out.kind = CT_BOOL;
            break;
        default:
            break;
        }
    }
    return n;
}

}  // namespace

extern "C" {

ct_op ct_op_find(const char *name, const char *overload) {
    CT_GUARD(return nullptr, {
        auto handle = c10::Dispatcher::singleton().findSchemaOrThrow(name, overload);
        return reinterpret_cast<ct_op>(new c10::OperatorHandle(handle));
    })
}

void ct_op_free(ct_op op) { delete reinterpret_cast<c10::OperatorHandle *>(op); }

int32_t ct_op_num_returns(ct_op op) {
    return static_cast<int32_t>(reinterpret_cast<c10::OperatorHandle *>(op)->schema().returns().size());
}

int32_t ct_op_call(ct_op op, const ct_value *args, int32_t nargs, ct_value *results, int32_t capacity) {
    const auto &handle = *reinterpret_cast<c10::OperatorHandle *>(op);
    const auto &schema = handle.schema();
    CT_GUARD_OP(
        c10::toString(schema.operator_name()),
        {
            if (!ctorch::capturing()) return -1;
            return placeholders(schema, results, capacity);
        },
        {
            const auto &params = schema.arguments();
            TORCH_CHECK(static_cast<size_t>(nargs) <= params.size(), nargs, " arguments given, the schema takes ",
                        params.size());
            // One stack per thread, reused: its capacity survives between calls.
            thread_local torch::jit::Stack stack;
            stack.clear();
            for (size_t i = 0; i < params.size(); ++i) {
                if (i < static_cast<size_t>(nargs) && args[i].kind != CT_DEFAULT) {
                    stack.push_back(to_ivalue(args[i], params[i]));
                } else {
                    TORCH_CHECK(params[i].default_value().has_value(), "argument '", params[i].name(), "' is required");
                    stack.push_back(*params[i].default_value());
                }
            }
            handle.callBoxed(stack);
            TORCH_CHECK(stack.size() <= static_cast<size_t>(capacity), "returned ", stack.size(), " values, room for ",
                        capacity);
            for (size_t i = 0; i < stack.size(); ++i) from_ivalue(stack[i], results[i]);
            auto count = static_cast<int32_t>(stack.size());
            stack.clear();
            return count;
        })
}

}

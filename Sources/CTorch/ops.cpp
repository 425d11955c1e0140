// The hot operations, called unboxed: the per-op cost of the arithmetic a training step is made of.
#include "internal.h"

#include <ATen/ops/add_ops.h>
#include <ATen/ops/div_ops.h>
#include <ATen/ops/matmul_ops.h>
#include <ATen/ops/mul_ops.h>
#include <ATen/ops/sub_ops.h>

using ctorch::input;
using ctorch::release;

namespace {
/// An `alpha` as Python passes it: the integer 1 by default, so integer tensors accept it.
c10::Scalar alpha_scalar(double alpha) {
    return alpha == 1.0 ? c10::Scalar(static_cast<int64_t>(1)) : c10::Scalar(alpha);
}
}  // namespace

extern "C" {

ct_tensor ct_add(ct_tensor a, ct_tensor b, double alpha) {
    CT_GUARD_OP("aten::add.Tensor", return ctorch::failed_tensor(), { return release(at::_ops::add_Tensor::call(input(a), input(b), alpha_scalar(alpha))); })
}

ct_tensor ct_sub(ct_tensor a, ct_tensor b, double alpha) {
    CT_GUARD_OP("aten::sub.Tensor", return ctorch::failed_tensor(), { return release(at::_ops::sub_Tensor::call(input(a), input(b), alpha_scalar(alpha))); })
}

ct_tensor ct_mul(ct_tensor a, ct_tensor b) {
    CT_GUARD_OP("aten::mul.Tensor", return ctorch::failed_tensor(), { return release(at::_ops::mul_Tensor::call(input(a), input(b))); })
}

ct_tensor ct_div(ct_tensor a, ct_tensor b) {
    CT_GUARD_OP("aten::div.Tensor", return ctorch::failed_tensor(), { return release(at::_ops::div_Tensor::call(input(a), input(b))); })
}

ct_tensor ct_add_scalar(ct_tensor a, double b) {
    CT_GUARD_OP("aten::add.Scalar", return ctorch::failed_tensor(), { return release(at::_ops::add_Scalar::call(input(a), b, 1)); })
}

ct_tensor ct_mul_scalar(ct_tensor a, double b) {
    CT_GUARD_OP("aten::mul.Scalar", return ctorch::failed_tensor(), { return release(at::_ops::mul_Scalar::call(input(a), b)); })
}

ct_tensor ct_matmul(ct_tensor a, ct_tensor b) {
    CT_GUARD_OP("aten::matmul", return ctorch::failed_tensor(), { return release(at::_ops::matmul::call(input(a), input(b))); })
}

int32_t ct_add_(ct_tensor a, ct_tensor b, double alpha) {
    CT_GUARD_OP("aten::add_.Tensor", return ctorch::failed_status(), {
        at::Tensor self = input(a);
        at::_ops::add__Tensor::call(self, input(b), alpha_scalar(alpha));
        return 0;
    })
}

}

"""What tests/fixtures/schedule-2025-fall.md says, written out by hand from reading the file.

One row per session (newest first, as in the file): date, kind, title, and its talks as
(position, venue tag, title, link, presenters as (name, affiliation, role), slides, video).
The venue tag "SOSP '25" of the file is written "SOSP'25" (one venue, one spelling).
"""

LEAD, SUPPORT = "lead", "support"
NPU = "Northwestern Polytechnical University"

EXPECTED_TERM = "2025 Fall"

# fmt: off
EXPECTED = [
    ("2026-01-20", "regular", "", [
        (1, "SOSP'25",
         "DiffKV: Differentiated Memory Management for Large Language Models with Parallel KV "
         "Compaction",
         "https://arxiv.org/pdf/2412.03131",
         [("Chengru Yang", "", LEAD), ("Jiawei Yi", "", SUPPORT)], "", ""),
        (2, "SOSP'25", "LithOS: An Operating System for Efficient Machine Learning on GPUs",
         "https://arxiv.org/pdf/2504.15465", [("Qingyuan Chen", "", LEAD)], "", ""),
    ]),
    ("2026-01-13", "regular", "", [
        (1, "arXiv", "REFRAG: Rethinking RAG based Decoding",
         "https://arxiv.org/pdf/2509.01092", [("Bosen Yang", "", LEAD)], "", ""),
        (2, "SOSP'25", "TrainVerify: Equivalence-Based Verification for Distributed LLM Training",
         "https://arxiv.org/pdf/2506.15961",
         [("Chenhan Wang", "", LEAD), ("Luofan Chen", "", SUPPORT)], "", ""),
    ]),
    ("2026-01-06", "regular", "", [
        (1, "SOSP'25", "Jenga: Effective Memory Management for Serving LLM with Heterogeneity",
         "https://arxiv.org/pdf/2503.18292", [("Mingxuan Liu", NPU, LEAD)], "", ""),
        (2, "arXiv", "Prism: Unleashing GPU Sharing for Cost-Efficient Multi-LLM Serving",
         "https://arxiv.org/pdf/2505.04021", [("Mingxuan Liu", NPU, LEAD)], "", ""),
    ]),
    ("2025-12-30", "regular", "", [
        (1, "SOSP'25",
         "HedraRAG: Co-Optimizing Generation and Retrieval for Heterogeneous RAG Workflows",
         "https://dl.acm.org/doi/epdf/10.1145/3731569.3764806", [("Chao Bi", "", LEAD)],
         "", "https://www.bilibili.com/video/BV155qcBpEeC?t=1.4"),
        (2, "SOSP'25", "METIS: Fast Quality-Aware RAG Systems with Configuration Adaptation",
         "https://arxiv.org/pdf/2412.10543", [("Xiaoqi Li", "", LEAD)],
         "", "https://www.bilibili.com/video/BV155qcBpEeC?t=1.4"),
    ]),
    ("2025-12-23", "regular", "", [
        (1, "SOSP'25",
         "KTransformers: Unleashing the Full Potential of CPU/GPU Hybrid Inference for MoE Models",
         "https://dl.acm.org/doi/epdf/10.1145/3731569.3764843", [("ZhiHao Le", "", LEAD)],
         "", ""),
        (2, "arXiv",
         "Tally: Non-Intrusive Performance Isolation for Concurrent Deep Learning Workloads",
         "https://arxiv.org/pdf/2410.07381",
         [("Jiaqi Ruan", "", LEAD), ("Jia He", "", SUPPORT)],
         "./slides/", "https://www.bilibili.com/video/BV19RBzBaEWp?t=1.2"),
    ]),
    ("2025-12-16", "regular", "", [
        (1, "OSDI'25", "NanoFlow: Towards Optimal Large Language Model Serving Throughput",
         "https://arxiv.org/pdf/2408.12757",
         [("Yinhe Chen", "", LEAD), ("Dongqi Tian", "", SUPPORT)],
         "./slides/251216_Nanoflow.pdf", "https://www.bilibili.com/video/BV15RBzBYEhu?t=1.0"),
        (2, "arXiv", "IC-Cache: Efficient Large Language Model Serving via In-context Caching",
         "https://arxiv.org/pdf/2501.12689", [("Sen Han", "", LEAD)],
         "./slides/251216_IC-Cache.pdf", "https://www.bilibili.com/video/BV15RBzBYEhu?t=1.0"),
    ]),
    ("2025-12-02", "regular", "", [
        (1, "arXiv", "dInfer: An Efficient Inference Framework for Diffusion Language Models",
         "https://arxiv.org/pdf/2510.08666", [("Yuxin Ma", "Ant Group", LEAD)],
         "./slides/251202-Dinfer.pdf", "https://www.bilibili.com/video/BV1R92VB2EsL?t=4.0"),
        (2, "arXiv", "Kimi Linear: An Expressive, Efficient Attention Architecture",
         "https://arxiv.org/pdf/2510.26692",
         [("Ping Gong", "", LEAD), ("Xin Ren", "", SUPPORT)],
         "./slides/251202-KIMILinear.pdf", "https://www.bilibili.com/video/BV1R92VB2EsL?t=4.0"),
    ]),
    ("2025-11-25", "regular", "", [
        (1, "",
         "ROLL: An Efficient and User-Friendly Scaling Library for Reinforcement Learning "
         "with Large Language Models",
         "https://github.com/alibaba/ROLL", [("Wei Gao", "Alibaba ROLL", LEAD)],
         "./slides/251125_ROLL.pdf", "https://www.bilibili.com/video/BV1uxUzBUED4?t=9.2"),
        (2, "SOSP'25",
         "Spirit: Fair Allocation of Interdependent Resources in Remote Memory Systems",
         "https://dl.acm.org/doi/pdf/10.1145/3731569.3764805", [("Yicheng Zhang", "", LEAD)],
         "./slides/251125_Spirit.pdf", "https://www.bilibili.com/video/BV19JUzBXEM2"),
    ]),
    ("2025-11-18", "regular", "", [
        (1, "arXiv",
         "HydraServe: Minimizing Cold Start Latency for Serverless LLM Serving in Public Clouds",
         "https://arxiv.org/pdf/2502.15524v2", [("Jiyang Wang", "", LEAD)],
         "./slides/251118_HydraServer.pdf", "https://www.bilibili.com/video/BV1SzUsBkEXQ?t=0.8"),
        (2, "SOSP'25", "Pie: A Programmable Serving System for Emerging LLM Applications",
         "https://www.yecl.org/publications/gim2025sosp.pdf",
         [("Shen Fu", "", LEAD), ("Zewen Jin", "", SUPPORT)],
         "./slides/20251118_Pie.pdf", "https://www.bilibili.com/video/BV1SzUsBkEXQ?t=0.8"),
    ]),
    ("2025-11-11", "regular", "", [
        (1, "arXiv", "FalconFS: Distributed File System for Large-Scale Deep Learning Pipeline",
         "https://arxiv.org/pdf/2507.10367",
         [("chi zhang", "", LEAD), ("Jiahao Li", "", SUPPORT)],
         "./slides/251111-FalconFS.pdf", "https://www.bilibili.com/video/BV1pHCEBAEWN?t=2.4"),
    ]),
    ("2025-11-04", "regular", "", [
        (1, "OSDI'25", "Enabling Efficient GPU Communication over Multiple NICs with FuseLink",
         "https://www.usenix.org/system/files/osdi25-ren.pdf",
         [("Haiquan Wang", "", LEAD), ("Tonghuan Xiao", "", SUPPORT), ("Jiahui Tan", "", SUPPORT)],
         "./slides/251104-FuseLink.pdf", "https://www.bilibili.com/video/BV1mbkRBgEJr"),
        (2, "arXiv", "Fast-dLLM v2: Efficient Block-Diffusion LLM",
         "https://arxiv.org/pdf/2509.26328", [("Xiliang Xian", "", LEAD)],
         "./slides/251104-FastDLLMv2.pdf", "https://www.bilibili.com/video/BV1mbkRBgEJr"),
    ]),
    ("2025-10-28", "regular", "", [
        (1, "arXiv",
         "Shift Parallelism: Low-Latency, High-Throughput LLM Inference for Dynamic Workloads",
         "https://arxiv.org/pdf/2509.16495",
         [("Jiaan Zhu", "", LEAD), ("Qinghe Wang", "", SUPPORT), ("Long Zhao", "", SUPPORT)],
         "./slides/251028-ShiftParallelism.pdf",
         "https://www.bilibili.com/video/BV1v91TBbEhW?t=8.9"),
    ]),
    ("2025-10-21", "regular", "", [
        (1, "arXiv",
         "ServeGen: Workload Characterization and Generation of Large Language Model Serving "
         "in Production",
         "https://arxiv.org/abs/2505.09999", [("Zijian Dai", "", LEAD)],
         "./slides/251021-ServeGen.pdf", "https://www.bilibili.com/video/BV1xLsyz7EJv?t=4.7"),
    ]),
    ("2025-09-29", "rehearsal", "SOSP Rehearsal", [
        (1, "",
         "Mantle: Efficient Hierarchical Metadata Management for Cloud Object Storage Services",
         "", [("Jiahao Li", "", LEAD)], "", ""),
    ]),
    ("2025-09-16", "kick-off", "Kick-off meeting", [
        (1, "", "Kick-off meeting", "",
         [("Youhui Bai", "", LEAD), ("Zhihui Chen", "", SUPPORT), ("Ouxiang Zhou", "", SUPPORT),
          ("Ruibo Liu", "", SUPPORT)],
         "./slides/250916-kick-off.pdf", ""),
    ]),
]
# fmt: on

# Line numbers of the two oddities of the file.
STRAY_LINE = 59  # a lone "c" under December 23, Topic I
FOLDER_SLIDES_LINE = 64  # [📕 slides](./slides/) under December 23, Topic II

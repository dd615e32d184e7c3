-- Run by tests/lsp_e2e.rs in headless Neovim, after docs/editors.md's Neovim snippet (init.lua)
-- attached nbtidy to the notebook buffer: waits for diagnostics, writes them, formats through
-- LSP, writes the buffer, quits. Outputs go to the files named by NBTIDY_NVIM_OUT.
local out = os.getenv("NBTIDY_NVIM_OUT")
local lines = {}
local function code(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
end
local got = vim.wait(30000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
if not got then
  table.insert(lines, "no diagnostics; clients: " .. #vim.lsp.get_active_clients())
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, string.format("%s %d %d", code(d), d.lnum, d.col))
end
vim.fn.writefile(lines, out .. ".diagnostics")
if vim.lsp.buf.format then
  vim.lsp.buf.format({ timeout_ms = 30000 })
else
  vim.lsp.buf.formatting_sync(nil, 30000)
end
vim.cmd("write! " .. vim.fn.fnameescape(out .. ".formatted.ipynb"))
vim.cmd("qall!")

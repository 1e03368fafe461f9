-- amplint for Neovim: starts `amplint server` with Neovim's built-in LSP client.
--
--   require('amplint').setup({
--     path = nil,                -- the amplint executable; default: `amplint` from PATH
--     fix_all_on_save = false,   -- apply `source.fixAll.amplint` before each :write
--   })
--
-- Works from Neovim 0.7 (vim.lsp.start_client + buf_attach_client) through 0.8-0.10
-- (vim.lsp.start) to 0.11+ (vim.lsp.config + vim.lsp.enable).

local M = {}

M.name = 'amplint'
M.fix_all_kind = 'source.fixAll.amplint'

local defaults = {
  -- The executable; `cmd` (a full command list) wins over it when given.
  path = nil,
  cmd = nil,
  filetypes = { 'typescript', 'javascript', 'typescriptreact', 'javascriptreact' },
  -- The first directory upwards holding one of these is the server's root directory.
  root_markers = { 'amplify', 'package.json', '.git' },
  fix_all_on_save = false,
  -- Milliseconds the fix-all on save may wait for the server.
  fix_all_timeout = 1000,
  on_attach = nil,
  capabilities = nil,
}

M.config = vim.deepcopy(defaults)

local function has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

local function notify(message, level)
  vim.notify('amplint: ' .. message, level or vim.log.levels.WARN)
end

local function command()
  if M.config.cmd then
    return M.config.cmd
  end
  local path = M.config.path
  if path == nil or path == '' then
    path = 'amplint'
  end
  return { path, 'server' }
end

-- The first directory from the buffer's upwards that holds a root marker (Neovim 0.7 has no
-- vim.fs), else the buffer's own directory.
local function root_directory(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return vim.loop.cwd()
  end
  local directory = vim.fn.fnamemodify(name, ':p:h')
  local current = directory
  while true do
    for _, marker in ipairs(M.config.root_markers) do
      if vim.loop.fs_stat(current .. '/' .. marker) then
        return current
      end
    end
    local parent = vim.fn.fnamemodify(current, ':h')
    if parent == current then
      return directory
    end
    current = parent
  end
end

local function client_config(bufnr)
  local config = {
    name = M.name,
    cmd = command(),
    root_dir = bufnr and root_directory(bufnr) or nil,
    on_attach = M.config.on_attach,
    capabilities = M.config.capabilities or vim.lsp.protocol.make_client_capabilities(),
  }
  return config
end

--- The amplint clients attached to `bufnr` (0: the current buffer).
function M.clients(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local clients
  if vim.lsp.get_clients then
    clients = vim.lsp.get_clients({ bufnr = bufnr, name = M.name })
  elseif has('0.8') then
    clients = vim.lsp.get_active_clients({ bufnr = bufnr, name = M.name })
  else
    clients = {}
    for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if client.name == M.name then
        table.insert(clients, client)
      end
    end
  end
  return clients
end

-- Neovim 0.7: one client per root directory, attached by hand.
local started = {}

--- Starts (or reuses) the server for `bufnr` and attaches it. Only needed before 0.11;
--- there `setup()` enables the server through vim.lsp.enable.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local config = client_config(bufnr)
  if has('0.8') then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = started[config.root_dir]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(config)
    if id == nil then
      notify('could not start ' .. table.concat(config.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    started[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

local function request_sync(client, method, params, timeout, bufnr)
  if has('0.11') then
    return client:request_sync(method, params, timeout, bufnr)
  end
  return client.request_sync(method, params, timeout, bufnr)
end

--- Applies every safe amplint fix to `bufnr` (the `source.fixAll.amplint` code action),
--- waiting at most `timeout` milliseconds. Returns whether the buffer was changed.
function M.fix_all(bufnr, timeout)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  timeout = timeout or M.config.fix_all_timeout
  local changed = false
  for _, client in ipairs(M.clients(bufnr)) do
    local line_count = vim.api.nvim_buf_line_count(bufnr)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      range = {
        start = { line = 0, character = 0 },
        ['end'] = { line = line_count, character = 0 },
      },
      context = { diagnostics = {}, only = { M.fix_all_kind } },
    }
    local response, failure = request_sync(client, 'textDocument/codeAction', params, timeout, bufnr)
    if response == nil or response.err then
      notify('fix all failed: ' .. vim.inspect(failure or response.err))
    else
      for _, action in ipairs(response.result or {}) do
        if action.kind == M.fix_all_kind and action.edit then
          vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or 'utf-16')
          changed = true
        end
      end
    end
  end
  return changed
end

local group

--- Configures and enables the server for the configured file types.
function M.setup(options)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), options or {})
  group = vim.api.nvim_create_augroup('amplint', { clear = true })

  local executable = command()[1]
  if vim.fn.executable(executable) ~= 1 then
    notify('`' .. executable .. '` is not executable: install amplint or pass setup({ path = ... })')
  end

  if vim.lsp.config and vim.lsp.enable then
    local config = client_config(nil)
    config.root_dir = nil
    config.filetypes = M.config.filetypes
    config.root_markers = M.config.root_markers
    vim.lsp.config(M.name, config)
    vim.lsp.enable(M.name)
  else
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = M.config.filetypes,
      callback = function(event)
        M.start(event.buf)
      end,
    })
    -- Buffers already open when setup() runs.
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
        M.start(bufnr)
      end
    end
  end

  if M.config.fix_all_on_save then
    vim.api.nvim_create_autocmd('BufWritePre', {
      group = group,
      callback = function(event)
        if #M.clients(event.buf) > 0 then
          M.fix_all(event.buf)
        end
      end,
    })
  end

  vim.api.nvim_create_user_command('AmplintFixAll', function()
    if not M.fix_all(0) then
      notify('nothing to fix', vim.log.levels.INFO)
    end
  end, { desc = 'Apply every safe amplint fix to the current buffer' })
end

return M

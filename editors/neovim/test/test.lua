-- Headless test of the amplint Neovim plugin against the real server:
--
--   AMPLINT_BIN=/path/to/amplint nvim --headless -u NONE -c 'luafile editors/neovim/test/test.lua'
--
-- Opens a copy of fixtures/unknown-related-model/invalid.ts, waits for the diagnostics,
-- applies the did-you-mean quick fix through vim.lsp.buf.code_action, then saves with
-- fix_all_on_save and checks the file. Exits 0 on success, 1 on failure, 3 on time-out.

local OVERALL_TIMEOUT_MS = 90000
local WAIT_MS = 20000

local passed = 0

local function say(message)
  if message:sub(1, 5) == 'ok - ' then
    passed = passed + 1
  end
  io.stdout:write(message .. '\n')
end

-- Never hang: a wall-clock guard that ends Neovim whatever it is doing.
local guard = vim.loop.new_timer()
guard:start(OVERALL_TIMEOUT_MS, 0, function()
  io.stdout:write('FAIL: timed out after ' .. OVERALL_TIMEOUT_MS .. ' ms\n')
  os.exit(3)
end)

local script = debug.getinfo(1, 'S').source:gsub('^@', '')
local plugin_directory = vim.fn.fnamemodify(script, ':p:h:h')
local repo_root = vim.fn.fnamemodify(plugin_directory, ':h:h')

local function read(path)
  local file = assert(io.open(path, 'rb'))
  local content = file:read('*a')
  file:close()
  return content
end

local function write(path, content)
  local file = assert(io.open(path, 'wb'))
  file:write(content)
  file:close()
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), '\n') .. '\n'
end

local function wait_for(what, condition)
  if not vim.wait(WAIT_MS, condition, 50) then
    error('timed out after ' .. WAIT_MS .. ' ms waiting for ' .. what, 2)
  end
end

local function check(condition, message)
  if not condition then
    error(message, 2)
  end
end

local function plain_replace(text, old, new)
  local start, finish = text:find(old, 1, true)
  check(start ~= nil, 'text to replace not found: ' .. old)
  return text:sub(1, start - 1) .. new .. text:sub(finish + 1)
end

-- The caret annotations of a fixture (syntax: tests/src/lib.rs).
local function annotations(text)
  local found, code_line = {}, nil
  local lines = vim.split(text, '\n', true)
  for index, line in ipairs(lines) do
    local prefix, carets, severity, rule = line:match('^(%s*//%s*)(%^+)%s+(%w+)%[([%w-]+)%]')
    if prefix == nil then
      code_line = index - 1
    elseif code_line ~= nil then
      local start = #prefix
      table.insert(found, {
        line = code_line,
        start = start,
        finish = start + #carets,
        to_line_end = start + #carets >= #lines[code_line + 1],
        severity = severity,
        rule = rule,
        message = line:match('%]:%s*(.*)$'),
      })
    end
  end
  return found
end

local SEVERITIES = { error = 1, warning = 2, info = 3, information = 3, hint = 4 }

-- Every notification (the plugin's and Neovim's, deprecation warnings included) is echoed;
-- a deprecation warning fails the test.
local notifications = {}
local original_notify = vim.notify
vim.notify = function(message, level, options)
  table.insert(notifications, tostring(message))
  io.stdout:write('notify: ' .. tostring(message) .. '\n')
  return original_notify(message, level, options)
end

local function run()
  local binary = os.getenv('AMPLINT_BIN') or 'target/debug/amplint'
  if binary:sub(1, 1) ~= '/' then
    binary = repo_root .. '/' .. binary
  end
  check(vim.fn.executable(binary) == 1, 'amplint binary not executable: ' .. binary)
  say('nvim ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch) .. ', binary ' .. binary)

  vim.opt.runtimepath:prepend(plugin_directory)
  vim.cmd('filetype on')
  vim.opt.swapfile = false

  -- A project of its own, so that saving never touches the repository's fixture.
  local fixture_path = repo_root .. '/fixtures/unknown-related-model/invalid.ts'
  local original = read(fixture_path)
  local project = vim.fn.tempname()
  vim.fn.mkdir(project .. '/amplify/data', 'p')
  write(project .. '/package.json', '{}\n')
  local path = project .. '/amplify/data/resource.ts'
  write(path, original)

  if os.getenv('AMPLINT_NVIM_WITHOUT_CONFIG_API') == '1' then
    -- Exercise the vim.lsp.start path (Neovim 0.8 to 0.10) on a newer Neovim.
    vim.lsp.config, vim.lsp.enable = nil, nil
    say('(vim.lsp.config and vim.lsp.enable hidden: the plugin uses vim.lsp.start)')
  end
  local amplint = require('amplint')
  amplint.setup({ path = binary, fix_all_on_save = true })

  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'typescript', 'filetype is ' .. vim.bo[bufnr].filetype)

  wait_for('the amplint client to attach', function()
    return #amplint.clients(bufnr) > 0
  end)
  local client = amplint.clients(bufnr)[1]
  check(client.config.root_dir == project, 'root directory ' .. tostring(client.config.root_dir) .. ' is the project ' .. project)

  wait_for('diagnostics', function()
    return #vim.diagnostic.get(bufnr) > 0
  end)
  local diagnostics = vim.diagnostic.get(bufnr)
  say('diagnostics: ' .. #diagnostics)

  -- Every annotated diagnostic, at its place, with its rule and severity.
  local expected = annotations(original)
  check(#expected >= 4, 'the fixture has annotations')
  for _, expectation in ipairs(expected) do
    local match
    for _, diagnostic in ipairs(diagnostics) do
      if diagnostic.code == expectation.rule and diagnostic.lnum == expectation.line
        and diagnostic.col == expectation.start
        and (expectation.to_line_end or (diagnostic.end_lnum == expectation.line and diagnostic.end_col == expectation.finish)) then
        match = diagnostic
      end
    end
    check(match ~= nil, string.format('no %s diagnostic at %d:%d; got %s', expectation.rule, expectation.line + 1,
      expectation.start + 1, vim.inspect(vim.tbl_map(function(d)
        return string.format('%s@%d:%d', tostring(d.code), d.lnum + 1, d.col + 1)
      end, diagnostics))))
    check(match.source == 'amplint', 'source is ' .. tostring(match.source))
    check(match.severity == SEVERITIES[expectation.severity], 'severity of ' .. expectation.rule .. ' at line ' .. (expectation.line + 1))
    if expectation.message then
      check(match.message:find(expectation.message, 1, true) ~= nil,
        string.format('message %q contains %q', match.message, expectation.message))
    end
  end
  check(#diagnostics == #expected, string.format('%d diagnostics, %d annotated', #diagnostics, #expected))
  say('ok - every annotated diagnostic is shown')

  -- The did-you-mean quick fix on 'Teem', applied through the built-in code action UI.
  local teem_line
  for index, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)) do
    if line:find("a.belongsTo('Teem'", 1, true) then
      teem_line = index
    end
  end
  check(teem_line ~= nil, "'Teem' is in the fixture")
  local column = vim.api.nvim_buf_get_lines(bufnr, teem_line - 1, teem_line, true)[1]:find("'Teem'", 1, true)
  vim.api.nvim_win_set_cursor(0, { teem_line, column })
  local function wanted(action)
    return action.kind == 'quickfix' and action.title:find('Team', 1, true) ~= nil
  end
  local offered = {}
  vim.ui.select = function(items, _, on_choice)
    for index, item in ipairs(items) do
      local action = item.action or item[2]
      table.insert(offered, action.title)
      if wanted(action) then
        return on_choice(item, index)
      end
    end
    return on_choice(nil, nil)
  end
  if vim.fn.has('nvim-0.8') == 1 then
    vim.lsp.buf.code_action({ context = { only = { 'quickfix' } }, filter = wanted, apply = true })
  else
    vim.lsp.buf.code_action({ only = { 'quickfix' } })
  end
  local after_quick_fix = plain_replace(original, "a.belongsTo('Teem'", "a.belongsTo('Team'")
  local ok = vim.wait(WAIT_MS, function()
    return buffer_text(bufnr) == after_quick_fix
  end, 50)
  check(ok, 'the quick fix did not give the expected text; actions offered: ' .. vim.inspect(offered)
    .. '\nbuffer now:\n' .. buffer_text(bufnr))
  say('ok - the quick fix turned Teem into Team')

  -- :write runs the fix-all action first (fix_all_on_save).
  vim.cmd('silent write')
  local saved = read(path)
  check(saved == buffer_text(bufnr), 'the saved file is the buffer')
  check(saved:find('a.hasMany("Member"', 1, true) ~= nil, 'fix all on save fixed Membr:\n' .. saved)
  check(saved:find('Teem', 1, true) == nil and saved:find('Membr', 1, true) == nil, 'nothing left to fix by name')
  say('ok - fix all on save applied the remaining safe fix')

  wait_for('the diagnostics of the fixed text', function()
    for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
      if diagnostic.lnum == teem_line - 1 or diagnostic.message:find('Membr', 1, true) then
        return false
      end
    end
    return true
  end)
  check(not amplint.fix_all(bufnr), 'fix all has nothing more to do')
  say('ok - the server agrees: ' .. #vim.diagnostic.get(bufnr) .. ' diagnostics left, none fixable')

  -- Graceful stop (shutdown, exit); the server should then exit by itself. Neovim keeps
  -- stdin open meanwhile, so a server that waits for stdin to close lingers: say so, and
  -- terminate it, as Neovim itself does when quitting.
  local id = client.id
  vim.lsp.stop_client(id)
  local stopped = vim.wait(3000, function()
    return vim.lsp.get_client_by_id(id) == nil
  end, 50)
  if not stopped then
    say('note: the server did not exit within 3 s of the exit notification; terminating it')
    -- (0.11 ignores vim.lsp.stop_client(id, true) once a graceful stop is under way.)
    if client.rpc.terminate then
      client.rpc.terminate()
    else
      vim.lsp.stop_client(id, true)
    end
    wait_for('the client to stop', function()
      return vim.lsp.get_client_by_id(id) == nil
    end)
  end
  say('ok - the client stopped')

  for _, message in ipairs(notifications) do
    check(not message:lower():find('deprecated', 1, true), 'deprecation warning: ' .. message)
  end
  say('ok - no deprecation warning')
end

local succeeded, failure = xpcall(run, debug.traceback)
guard:stop()
if succeeded then
  say('PASS')
  say(string.format('neovim: %d passed, 0 failed', passed))
  vim.cmd('qall!')
else
  say('FAIL: ' .. tostring(failure))
  say(string.format('neovim: %d passed, 1 failed', passed))
  vim.cmd('cquit 1')
end

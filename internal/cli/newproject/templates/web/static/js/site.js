document.getElementById("script-status").textContent = "JavaScript ran.";
